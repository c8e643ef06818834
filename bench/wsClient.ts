import { randomBytes } from 'node:crypto'
import net from 'node:net'

/**
 * A minimal WebSocket client (RFC 6455) for the benchmark's many simulated clients: binary
 * frames only, no extensions, no fragmentation on send. It exists because 200 `ws` clients
 * receiving 100 000+ messages a second in one process would measure the clients' own receive
 * path rather than the server: this one parses every frame of a TCP read in one loop, without
 * a stream or an event per frame. What goes over the wire is standard WebSocket, so the server
 * side (`ws`) is exercised exactly as by a browser.
 */
export class BenchSocket {
  private readonly socket: net.Socket
  private buffer: Buffer | null = null
  private upgraded = false
  readonly opened: Promise<void>
  onMessage: (payload: Buffer) => void = () => {}
  onClose: (code: number) => void = () => {}

  constructor(url: string) {
    const { hostname, port, pathname, search } = new URL(url)
    this.socket = net.connect({ host: hostname, port: Number(port), noDelay: true })
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('connect', () => {
        const key = randomBytes(16).toString('base64')
        this.socket.write(
          `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        )
      })
      this.socket.on('data', (chunk: Buffer) => {
        this.buffer = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk
        if (!this.upgraded) {
          const end = this.buffer.indexOf('\r\n\r\n')
          if (end < 0) return
          const head = this.buffer.subarray(0, end).toString('latin1')
          if (!/^HTTP\/1\.1 101/.test(head)) return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`))
          this.upgraded = true
          this.buffer = this.buffer.length > end + 4 ? this.buffer.subarray(end + 4) : null
          resolve()
        }
        this.parse()
      })
      this.socket.on('error', reject)
      this.socket.on('close', () => this.onClose(1006))
    })
  }

  private parse(): void {
    let buf = this.buffer
    let at = 0
    while (buf && buf.length - at >= 2) {
      const b0 = buf[at]
      let length = buf[at + 1] & 0x7f
      let header = 2
      if (length === 126) {
        if (buf.length - at < 4) break
        length = buf.readUInt16BE(at + 2)
        header = 4
      } else if (length === 127) {
        if (buf.length - at < 10) break
        length = Number(buf.readBigUInt64BE(at + 2))
        header = 10
      }
      if (buf.length - at < header + length) break
      const payload = buf.subarray(at + header, at + header + length)
      at += header + length
      const opcode = b0 & 0x0f
      if (opcode === 0x2) this.onMessage(payload)
      else if (opcode === 0x9) this.frame(0xa, payload)
      else if (opcode === 0x8) {
        this.onClose(payload.length >= 2 ? payload.readUInt16BE(0) : 1005)
        this.socket.end()
        buf = null
      }
    }
    this.buffer = buf && at < buf.length ? buf.subarray(at) : null
  }

  private frame(opcode: number, payload: Uint8Array): void {
    const length = payload.length
    const header = length < 126 ? 2 : length < 65536 ? 4 : 10
    const frame = Buffer.allocUnsafe(header + 4 + length)
    frame[0] = 0x80 | opcode
    if (header === 2) frame[1] = 0x80 | length
    else if (header === 4) {
      frame[1] = 0x80 | 126
      frame.writeUInt16BE(length, 2)
    } else {
      frame[1] = 0x80 | 127
      frame.writeBigUInt64BE(BigInt(length), 2)
    }
    const mask = randomBytes(4)
    mask.copy(frame, header)
    for (let i = 0; i < length; i++) frame[header + 4 + i] = payload[i] ^ mask[i & 3]
    this.socket.write(frame)
  }

  send(payload: Uint8Array): void {
    if (this.upgraded && !this.socket.destroyed) this.frame(0x2, payload)
  }

  close(): void {
    this.socket.destroy()
  }
}
