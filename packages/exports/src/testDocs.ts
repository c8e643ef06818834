// Documents the export tests share: the built-in sample, resolved or not, and real negotiating texts.
import { readdirSync, readFileSync } from 'node:fs'
import JSZip from 'jszip'
import { spawnSync } from 'node:child_process'
import { EditorState } from 'prosemirror-state'
import type { Node as PMNode } from 'prosemirror-model'
import { treatySchema } from '@accord/schema'
import { resolveByText } from '@accord/bracket-variants/prosemirror'
import { importText } from '@accord/treaty-io'
import { sampleTreatyText } from '@accord/treaty-io/sample'

const REAL = new URL('../../../../shared/fixtures/real/', import.meta.url)

export const UNFCCC = 'unfccc-adp-2015-12-04-draft-agreement-pp-art1-2.txt'

export function sampleDoc(): PMNode {
  return importText(sampleTreatyText()).doc
}

/** The sample with every bracket resolved: the linked set to 议定书 and the near-duplicate to 本议定书. */
export function cleanSample(): PMNode {
  let state = EditorState.create({ schema: treatySchema, doc: sampleDoc() })
  for (const c of ['议定书', '本议定书']) resolveByText(c)(state, (tr) => (state = state.apply(tr)))
  return state.doc
}

export function realFixtures(): string[] {
  return readdirSync(REAL).filter((f) => f.endsWith('.txt'))
}

export function realDoc(name: string): PMNode {
  return importText(readFileSync(new URL(name, REAL), 'utf8')).doc
}

/** Whether a command-line tool is installed; in CI (CI=true) a missing tool fails the tests instead of skipping them. */
export function hasTool(cmd: string, ...args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0
}
export const IN_CI = process.env.CI === 'true'

/**
 * A .docx opened: the text of each non-empty `w:p` of word/document.xml (tabs as '\t', line
 * breaks as '\n'), in order, with its paragraph style (`Heading1`, or '' for none); the document
 * and styles XML; the footers' XML.
 */
export async function docxParagraphs(bytes: Uint8Array): Promise<{ texts: string[]; styled: { style: string; text: string }[]; xml: string; styles: string; footers: string }> {
  const zip = await JSZip.loadAsync(bytes)
  const xml = await zip.file('word/document.xml')!.async('string')
  const styles = await zip.file('word/styles.xml')!.async('string')
  const footers = (await Promise.all(zip.file(/^word\/footer\d*\.xml$/).map((f) => f.async('string')))).join('\n')
  const body = xml.slice(xml.indexOf('<w:body>'))
  const styled = body
    .split(/<w:p[ >]/)
    .slice(1)
    .map((p) => ({
      style: /<w:pStyle w:val="([^"]*)"\/>/.exec(p.slice(0, p.indexOf('</w:p>')))?.[1] ?? '',
      text: [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<w:br\/>/g)]
        .map((m) => (m[0] === '<w:tab/>' ? '\t' : m[0] === '<w:br/>' ? '\n' : m[1]))
        .join('')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"'),
    }))
    .filter((p) => p.text !== '')
  return { texts: styled.map((p) => p.text), styled, xml, styles, footers }
}
