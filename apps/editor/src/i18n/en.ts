/**
 * The English interface catalogue: the reference every other language's catalogue must match
 * key for key (the type `Messages` makes a missing or extra key a compile error). `{name}`
 * marks a value filled in by `t(key, {name})`; a translation keeps the same placeholders.
 */
export const en = {
  'app.name': 'Accord',
  'app.tagline': 'Negotiating texts, together',

  'documents.title': 'Documents',
  'documents.empty': 'No documents yet. Import a treaty text or start a blank one.',
  'documents.loading': 'Loading documents…',
  'documents.updated': 'Updated {when}',
  'documents.open': 'Open',
  'documents.new': 'New document',
  'documents.loadFailed': 'The list of documents could not be loaded: {message}',
  'documents.retry': 'Try again',

  'new.title': 'New document',
  'new.paste': 'Paste a treaty text',
  'new.pasteHint': 'Paste the text as it is, from a PDF or a word processor: Accord recognises the title, preamble, articles, numbered paragraphs, brackets and drafting notes.',
  'new.pastePlaceholder': 'Paste the treaty text here…',
  'new.import': 'Import',
  'new.importing': 'Importing…',
  'new.blank': 'Start from a blank treaty',
  'new.blankEnglish': 'Blank treaty in English',
  'new.blankChinese': 'Blank treaty in Chinese',
  'new.cancel': 'Cancel',
  'new.failed': 'The document could not be created: {message}',
  'new.warnings': 'Imported with {count} warnings. Check these places in the text:',
  'new.warningsOne': 'Imported with 1 warning. Check this place in the text:',
  'new.warningAt': 'Line {line}, column {column}',
  'new.openAnyway': 'Open the document',
  'new.empty': 'Paste some text first.',

  'editor.back': 'All documents',
  'editor.loading': 'Opening the document…',
  'editor.notFound': 'This document does not exist, or the server refused it: {reason}',
  'editor.untitled': 'Untitled treaty',
  'editor.label': 'Treaty text',

  'toolbar.label': 'Editing tools',
  'toolbar.undo': 'Undo',
  'toolbar.redo': 'Redo',
  'toolbar.addArticle': 'Add article',
  'toolbar.addArticle.title': 'Add an article after this one',
  'toolbar.addParagraph': 'Add paragraph',
  'toolbar.addParagraph.title': 'Add a paragraph after this one',
  'toolbar.indent': 'Indent',
  'toolbar.indent.title': 'Make this paragraph a sub-paragraph',
  'toolbar.outdent': 'Outdent',
  'toolbar.outdent.title': 'Make this sub-paragraph one level higher',
  'toolbar.bracket': 'Bracket',
  'toolbar.bracket.title': 'Put the selection in brackets',
  'toolbar.alternative': 'Alternative',
  'toolbar.alternative.title': 'Add an alternative to the bracket around the cursor',

  'connection.connected': 'Connected',
  'connection.connecting': 'Connecting…',
  'connection.offline': 'Offline',
  'connection.pending': 'Offline — {count} changes not yet sent',
  'connection.pendingOne': 'Offline — 1 change not yet sent',
  'connection.syncing': 'Sending changes…',
  'connection.closed': 'The server closed the connection: {reason}',
  'connection.hint': 'You can keep typing: your changes are kept here and sent when the connection returns.',

  'presence.label': 'People in this document',
  'presence.you': '{name} (you)',
  'presence.others': '{count} others here',

  'name.title': 'Your name',
  'name.prompt': 'Other delegations see this name next to your cursor. Use your name and delegation, e.g. “Li Wei (China)”.',
  'name.placeholder': 'Name (delegation)',
  'name.save': 'Continue',
  'name.change': 'Change your name',

  'settings.language': 'Interface language',
  'settings.projector': 'Projector',
  'settings.projector.title': 'Large text for the projected screen',

  'help.button': 'Keyboard shortcuts',
  'help.title': 'Keyboard shortcuts',
  'help.close': 'Close',
  'help.undo': 'Undo your last change (others’ changes stay)',
  'help.redo': 'Redo',
  'help.addArticle': 'Add an article after the current one',
  'help.addParagraph': 'Add a paragraph after the current one',
  'help.split': 'Split the paragraph at the cursor (same level)',
  'help.join': 'At the start of a paragraph: join it to the one above',
  'help.indent': 'Indent: make a sub-paragraph — 1. → (a) → (i)',
  'help.outdent': 'Outdent a sub-paragraph',
  'help.bracket': 'Put the selection in brackets',
  'help.alternative': 'Add an alternative to the bracket around the cursor',
  'help.arrows': 'At the edge of a bracket or drafting note: step just inside or just outside it',
  'help.help': 'Show this list',
  'help.legend': 'In the text',
  'help.legend.bracket': 'bracketed text: not yet agreed',
  'help.legend.alternatives': 'alternatives: choose one',
  'help.legend.note': 'drafting note: never part of the treaty',
  'help.legend.placeholder': 'placeholder: to be filled in',

  'error.network': 'the server could not be reached',
  'error.status': 'the server answered {status}',
} as const

export type MessageKey = keyof typeof en
/** A complete catalogue for one interface language. */
export type Messages = Record<MessageKey, string>
