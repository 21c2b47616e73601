import type {Manifest} from '../manifest.js'

/** A valid manifest of app `shop` for tests, with no parts unless `changes` brings them. */
export function testManifest(changes: Partial<Manifest> = {}): Manifest {
  return {
    format: 1,
    id: '20261201-000000-manual-abcd',
    app: 'shop',
    createdAt: '2026-12-01T00:00:00Z',
    trigger: 'manual',
    consistency: 'live',
    heldMs: 0,
    containsSecrets: true,
    encrypted: false,
    versions: {discode: '0.1.0', accessories: {}},
    recipe: {ref: 'shop', source: 'builtin'},
    parts: [],
    ...changes,
  }
}
