/** `--bundle FILE` and `--key` of install and update: an air-gapped bundle instead of the feed and registry. */
import * as Flags from '@oclif/core/flags'

import type {BundleUse} from '../bundle/for-app.js'

export const bundleFlags = {
  bundle: Flags.file({
    description: 'Install from an air-gapped bundle (discode bundle create): verified, then its images loaded; no feed, no registry',
  }),
  key: Flags.string({
    description: "With --bundle on a first install: the vendor's feed key (the feed.pub line) the bundle must be signed with",
    dependsOn: ['bundle'],
  }),
  'node-docker': Flags.string({
    description:
      "With --bundle for a cluster app: a worker's Docker endpoint (ssh://user@host, tcp://host:2376, unix:///path); one for each worker, which gets the release images (no registry)",
    multiple: true,
    dependsOn: ['bundle'],
  }),
}

/** What the command passes to bundleForInstall / bundleForUpdate: progress on stderr, a prompt on a terminal. */
export function bundleUse(
  flags: {bundle?: string; key?: string; yes?: boolean; 'node-docker'?: string[]},
  options: {to?: string; interactive: boolean; log: (line: string) => void},
): BundleUse | undefined {
  if (!flags.bundle) return undefined
  let shown = 0
  return {
    file: flags.bundle,
    key: flags.key,
    accept: Boolean(flags.yes),
    to: options.to,
    confirm: options.interactive
      ? async (fingerprint) => {
          const {confirm} = await import('@inquirer/prompts')
          return confirm({message: `The bundle is signed with the key ${fingerprint}. Is this the vendor's key?`, default: false})
        }
      : undefined,
    onProgress: (_label, bytes) => {
      if (bytes - shown < 50_000_000) return
      shown = bytes
      options.log(`Verified ${(bytes / 1_000_000).toFixed(0)} MB`)
    },
    onImage: (ref, node) => options.log(`Loading ${ref}${node ? ` into ${node}` : ''}`),
    nodes: flags['node-docker'],
    onNodes: ({loaded, down}) => {
      options.log(
        `The release images were loaded into each node's Docker (the manager${loaded.map((n) => `, ${n}`).join('')}): no registry is used`,
      )
      if (down.length > 0) options.log(`Down, so not loaded: ${down.join(', ')}; run the update --bundle again once they are back`)
    },
  }
}
