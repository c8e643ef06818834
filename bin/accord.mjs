#!/usr/bin/env node
// The `accord` command. Node 20 cannot run TypeScript itself: tsx compiles the sources on load.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
