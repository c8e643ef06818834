import { linkedSetId } from '@accord/collab'
import { treatySchema as s } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { describe, expect, it } from 'vitest'
import { prosemirrorToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror'
import * as Y from 'yjs'
import type { Resolution } from '../api'
import { alternativesOf, BracketWorkflow, WorkflowError, type WorkflowApi } from './bracketWorkflow'

const alt = (text: string) => s.node('alternative', null, text ? [s.text(text)] : [])
const bracket = (...alts: string[]) => s.node('bracket', null, alts.map(alt))
const doc = (...content: (string | PMNode)[]) =>
  s.node('doc', null, [s.node('treaty', null, [s.node('article', null, [s.node('paragraph', null, content.map((c) => (typeof c === 'string' ? s.text(c) : c)))])])])

function setup() {
  const ydoc = new Y.Doc()
  const fragment = ydoc.getXmlFragment('treaty')
  prosemirrorToYXmlFragment(doc('The ', bracket('议定书', '协议'), ' and ', bracket(' shall ')), fragment)
  const pm = yXmlFragmentToProseMirrorRootNode(fragment, s)
  const calls: unknown[] = []
  let n = 0
  const fake: WorkflowApi = {
    resolve: async (docId, r: Resolution) => (calls.push(['resolve', docId, r]), { resolved: 1, entry: `a_${++n}` }),
    reopen: async (docId, entry) => (calls.push(['reopen', docId, entry]), { reopened: 1, missing: 0, entry: `a_${++n}` }),
    markAdRef: async (docId, group, adRef) => (calls.push(['ad-ref', docId, group, adRef]), { entry: `a_${++n}` }),
    normalise: async (docId, group) => (calls.push(['normalise', docId, group]), { entry: `a_${++n}` }),
  }
  const workflow = new BracketWorkflow({ docId: 'd1', fragment, doc: () => pm, api: fake })
  const positions: number[] = []
  pm.descendants((node, pos) => {
    if (node.type.name === 'bracket') positions.push(pos)
  })
  return { workflow, calls, positions, pm }
}

describe('BracketWorkflow', () => {
  it('names the group by its Yjs id and sends the alternative’s text', async () => {
    const { workflow, calls, positions } = setup()
    const id = workflow.groupId(positions[0])
    expect(id).toMatch(/^g\d+\.\d+$/)
    expect(workflow.groupId(positions[1])).not.toBe(id)
    await workflow.resolveGroup(positions[0], 1)
    expect(calls).toEqual([['resolve', 'd1', { group: id, choose: '协议' }]])
    expect(workflow.lastResolution).toBe('a_1')
  })

  it('reopen last walks back through this tab\'s resolutions, newest first', async () => {
    const { workflow, calls, positions } = setup()
    await workflow.resolveSet('[议定书][协议]', '议定书')
    const first = workflow.lastResolution
    await workflow.resolveGroup(positions[1], null)
    const second = workflow.lastResolution
    expect(second).not.toBe(first)
    await workflow.reopenLast()
    expect(calls.at(-1)).toEqual(['reopen', 'd1', second])
    expect(workflow.lastResolution).toBe(first)
    await workflow.reopenLast()
    expect(calls.at(-1)).toEqual(['reopen', 'd1', first])
    expect(workflow.lastResolution).toBeNull()
  })

  it('drops a single bracket with "" and refuses to drop a choice of several', async () => {
    const { workflow, calls, positions } = setup()
    await workflow.resolveGroup(positions[1], null)
    expect(calls[0]).toMatchObject(['resolve', 'd1', { choose: '' }])
    await expect(workflow.resolveGroup(positions[0], null)).rejects.toBeInstanceOf(WorkflowError)
    await expect(workflow.resolveGroup(positions[0], 5)).rejects.toBeInstanceOf(WorkflowError)
    await expect(workflow.resolveGroup(positions[0] + 1, 0)).rejects.toThrow(/no longer in the text/)
  })

  it('resolves a linked set by its id, reopens the last resolution, marks ad ref and normalises', async () => {
    const { workflow, calls, positions } = setup()
    await workflow.resolveSet('[议定书][协议]', '议定书')
    expect(calls[0]).toEqual(['resolve', 'd1', { set: linkedSetId('[议定书][协议]'), choose: '议定书' }])
    expect(await workflow.reopenLast()).toMatchObject({ reopened: 1 })
    expect(calls[1]).toEqual(['reopen', 'd1', 'a_1'])
    expect(workflow.lastResolution).toBeNull()
    expect(await workflow.reopenLast()).toBeNull()
    await workflow.setAdRef(positions[0], true)
    await workflow.normalise(positions[0])
    expect(calls.slice(2)).toEqual([
      ['ad-ref', 'd1', workflow.groupId(positions[0]), true],
      ['normalise', 'd1', workflow.groupId(positions[0])],
    ])
  })

  it('reads alternatives as the engine normalises them', () => {
    const { pm, positions } = setup()
    expect(alternativesOf(pm.nodeAt(positions[0])!)).toEqual(['议定书', '协议'])
    expect(alternativesOf(pm.nodeAt(positions[1])!)).toEqual(['shall'])
  })
})
