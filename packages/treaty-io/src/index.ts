// Plain text in, treaty documents out, and back: the importer and the text exporters.
// Browser-safe; the built-in sample (which reads a file) is at `@accord/treaty-io/sample`.
export { importText, type ImportResult, type ImportWarning, type ImportOptions } from './importText'
export { ImportError, MAX_IMPORT_CHARS, MAX_IMPORT_BYTES, MAX_NESTING, type ImportErrorCode } from './limits'
export { exportDocument, EXPORT_FORMATS, EXPORT_MODES, type ExportFormat, type ExportMode, type ExportResult } from './formats'
export { openItems, flatten, withFinalNumbering, type OpenItem, type Block } from './blocks'
export { documentTitle } from './title'
export { treatyStats, type TreatyStats } from './stats'
export { splitTrailingNote } from './notes'
