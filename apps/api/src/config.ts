import { resolve } from 'node:path'

/** Where the embedded store, read models and keys live: `QI_DATA_DIR`, else `<repo>/data`. */
export function dataDirectory(): string {
  return resolve(process.env.QI_DATA_DIR ?? resolve(import.meta.dirname, '..', '..', '..', 'data'))
}

export const DEFAULT_PORT = 3000
