// Exports for adoption: Word (.docx) and Akoma Ntoso 3.0, with the Akoma Ntoso import.
// Browser-safe; the PDF export (headless Chromium) is at `@accord/exports/pdf`.
export { exportAkomaNtoso, AKN_NS, ACCORD_NS, type AknResult } from './akn'
export { importAkomaNtoso, AknImportError } from './aknImport'
export { exportDocx, DOCX_CONTENT_TYPE, type DocxResult } from './docx'
