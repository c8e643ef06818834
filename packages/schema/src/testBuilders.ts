import { builders } from 'prosemirror-test-builder'
import { treatySchema } from './schema'

/**
 * prosemirror-test-builder builders over the treaty schema, with the short names every test
 * uses: `doc(treaty(title('…'), art(p('1<a>x'))))`. Tags like `<a>` mark positions. Only
 * tests import this module (`@accord/schema/test-builders`).
 */
export const treatyBuilders = builders(treatySchema, {
  opening: { nodeType: 'preamble_opening' },
  formula: { nodeType: 'enacting_formula' },
  partHeading: { nodeType: 'part_heading' },
  art: { nodeType: 'article' },
  heading: { nodeType: 'article_heading' },
  p: { nodeType: 'paragraph' },
  p1: { nodeType: 'paragraph', level: 1 },
  p2: { nodeType: 'paragraph', level: 2 },
  p3: { nodeType: 'paragraph', level: 3 },
  og: { nodeType: 'option_group' },
  opt: { nodeType: 'option' },
  final: { nodeType: 'final_clauses' },
  annexHeading: { nodeType: 'annex_heading' },
  br: { nodeType: 'bracket' },
  alt: { nodeType: 'alternative' },
  ph: { nodeType: 'placeholder' },
  zh: { nodeType: 'treaty', lang: 'zh' },
  zhCjk: { nodeType: 'treaty', lang: 'zh', para_style: 'cjk' },
})
