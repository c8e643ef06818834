// Exports for adoption: Word (.docx) and Akoma Ntoso 3.0, with the Akoma Ntoso import, and
// compilations (of amendments, say) in Word.
// Browser-safe; the PDF export (headless Chromium) is at `@accord/exports/pdf`.
export { exportAkomaNtoso, AKN_NS, ACCORD_NS, type AknResult } from './akn'
export { importAkomaNtoso, AknImportError } from './aknImport'
export { exportDocx, DOCX_CONTENT_TYPE, type DocxResult } from './docx'
export { exportCompilationDocx, type Compilation, type CompilationItem, type CompilationSection } from './compilationDocx'
