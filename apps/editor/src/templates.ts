/**
 * The texts a blank document starts from. They go through the server's importer like a
 * pasted text — a client never builds or seeds a document itself. The blanks are written as
 * placeholders (`[…]`, "to be added", 待定) so that they show as blanks to fill.
 */
export const BLANK_TREATY = {
  en: `Draft Agreement on [subject to be added]

Preamble

The Parties to this Agreement,

Recalling […],

Have agreed as follows:

Article 1

1. […]
`,
  zh: `关于[主题待定]的协定草案

序言

本协定缔约方，

回顾[……]，

兹协议如下：

第一条

1. [……]
`,
} as const
