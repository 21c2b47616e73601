import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'

export default class BundleInspect extends DiscodeCommand {
  static override summary = 'Show what an air-gapped bundle holds and whether it verifies, without loading it'
  static override description = `Reads the bundle's signed manifest and checks its signature against --key (the vendor's feed.pub line), or the feedKey of the installed app named with --app; without either, against the key the bundle names itself (shown as a fingerprint: compare it with the vendor's). Then streams every part and checks its sha256. Nothing is loaded or written. Exits 1 when the bundle does not verify.`

  static override examples = [
    {description: 'Check a bundle against the vendor key', command: '<%= config.bin %> bundle inspect shop.bundle --key "$(cat feed.pub)"'},
    {description: "Against the installed app's key, as data", command: '<%= config.bin %> bundle inspect shop.bundle --app shop --json'},
  ]

  static override args = {file: Args.file({description: 'The bundle file', required: true})}

  static override flags = {
    key: Flags.string({description: "The vendor's public feed key (the feed.pub line)", exclusive: ['app']}),
    app: Flags.string({description: "Check against this installed app's feedKey"}),
  }

  async run() {
    const {args, flags} = await this.parse(BundleInspect)
    const {inspectBundle} = await import('../../bundle/inspect.js')
    const key = flags.app ? await this.appKey(flags.app) : flags.key
    const report = await inspectBundle(args.file, key)
    const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`
    this.log(`${report.file}: ${report.app}, feed published ${report.published}, ${mb(report.bytes)}`)
    for (const release of report.releases) this.log(`  release ${release.version}  ${release.image}`)
    for (const image of report.images) this.log(`  image ${image.ref}  ${image.layers} layers, ${mb(image.bytes)}`)
    if (report.plugin) this.log(`  plugin ${report.plugin.name} ${report.plugin.version} (recipes and hooks)`)
    const against = report.key.given ? 'the given key' : "its own key (not one you gave: compare the fingerprint with the vendor's)"
    this.log(`Signature: ${report.signature.ok ? 'valid' : 'INVALID'}, checked against ${against} ${report.key.fingerprint}`)
    this.log(`Parts: ${report.parts.ok ? `all ${report.parts.count} match their sha256` : report.parts.error}`)
    if (!report.signature.ok || !report.parts.ok) {
      if (!this.jsonEnabled()) this.error(report.signature.error ?? report.parts.error ?? 'the bundle does not verify', {exit: 1})
      process.exitCode = 1
    }
    return report
  }

  private async appKey(app: string): Promise<string | undefined> {
    const engine = await this.engine()
    const [{installedRecord}, {feedFor, loadInstalledRecipe}] = await Promise.all([
      import('../../state/installed.js'),
      import('../../recipes/installed.js'),
    ])
    const record = await installedRecord(engine.store, app)
    const {raw} = loadInstalledRecipe(engine.recipeRoots, record)
    return feedFor(app, raw, record.inputs, await engine.store.readSecrets(app)).key ?? record.feedTrust?.key
  }
}
