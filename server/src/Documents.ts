import { importText } from '@accord/treaty-io'
import { sampleTreatyText } from '@accord/treaty-io/sample'
import type { Node as PMNode } from 'prosemirror-model'
import { newDocumentId } from './ids'
import type { Logger } from './log'
import type { Rooms } from './Rooms'
import type { DocumentRecord, Storage } from './storage'
import { readTreaty, seedState } from './treatyDoc'

/** The setting that remembers which document is the built-in sample. */
const SAMPLE_SETTING = 'sample-document'

/** A document that is too large to create; the API answers 413. */
export class DocumentTooLargeError extends Error {
  override name = 'DocumentTooLargeError'
}

/**
 * Documents as the API sees them: created from a ProseMirror document (seeded once, here), listed,
 * and read back as a treaty, from the live room when it is open or from storage when not.
 */
export class Documents {
  constructor(
    private readonly storage: Storage,
    private readonly rooms: Rooms,
    private readonly options: { maxDocumentBytes: number; titleOf: (doc: PMNode) => string; logger: Logger },
  ) {}

  async create(doc: PMNode): Promise<DocumentRecord> {
    const state = seedState(doc)
    if (state.length > this.options.maxDocumentBytes) {
      throw new DocumentTooLargeError(`the document takes ${state.length} bytes; this server accepts at most ${this.options.maxDocumentBytes}`)
    }
    const record = await this.storage.create(newDocumentId(), this.options.titleOf(doc), state)
    this.options.logger.info('document created', { doc: record.id, title: record.title, bytes: state.length })
    return record
  }

  list(): Promise<DocumentRecord[]> {
    return this.storage.list()
  }

  get(id: string): Promise<DocumentRecord | undefined> {
    return this.storage.get(id)
  }

  /** The current treaty, or undefined for an unknown id. Throws DocumentError when the content no longer fits the schema. */
  async read(id: string): Promise<PMNode | undefined> {
    const room = this.rooms.get(id)
    if (room && !room.isClosed) return room.read()
    const stored = await this.storage.load(id)
    if (!stored) return undefined
    return readTreaty(stored.updates)
  }

  /**
   * The sample treaty's id, creating it when the data directory is new (no documents yet).
   * A data directory whose documents were all made by people gets no sample.
   */
  async ensureSample(): Promise<string | undefined> {
    const known = await this.storage.getSetting(SAMPLE_SETTING)
    if (known && (await this.storage.get(known))) return known
    if ((await this.storage.list()).length > 0) return undefined
    const { doc } = importText(sampleTreatyText())
    const record = await this.create(doc)
    await this.storage.setSetting(SAMPLE_SETTING, record.id)
    return record.id
  }
}
