// The bracket engine. The core (this entry) is pure: strings and plain data in, plain data
// out. The ProseMirror adapter lives at `@accord/bracket-variants/prosemirror`.
export * from './core/index'
