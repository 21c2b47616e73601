import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'

export default class ProxyRemove extends DiscodeCommand {
  static override summary = 'Stop and remove the proxy container (its state volume and network are kept unless --purge)'
  static override description =
    'All apps stop being reachable until "discode proxy boot", which brings the routes back from the kept state volume. A proxy discode did not create (e.g. Kamal\'s) is shared: it is not removed unless --force.'
  static override examples = [
    '<%= config.bin %> proxy remove',
    '<%= config.bin %> proxy remove --purge',
    '<%= config.bin %> proxy remove --force',
  ]
  static override flags = {
    purge: Flags.boolean({
      description: "Also remove the proxy's state volume (its routes), and discode's network and apps' networks that no container uses",
    }),
    force: Flags.boolean({description: 'Remove the proxy even if another tool created it (its other services stop being reachable)'}),
  }

  async run() {
    const {flags} = await this.parse(ProxyRemove)
    const engine = await this.engine()
    const result = await engine.proxy.remove({force: flags.force, purge: flags.purge})
    const {volume, network} = result
    this.log(result.removed ? `Removed ${result.container}` : `There was no proxy container ${result.container}`)
    if (!flags.purge) {
      this.log(
        `Kept volume ${volume.name} (its routes come back with "discode proxy boot") and network ${network.name}; --purge removes them`,
      )
    } else {
      this.log(`Removed volume ${volume.name}`)
      this.log(
        network.removed
          ? `Removed network ${network.name}`
          : `Kept network ${network.name}: ${network.usedBy.length} container(s) still use it (${network.usedBy.slice(0, 5).join(', ')})`,
      )
      const kept = result.appNetworks.filter((n) => !n.removed).map((n) => n.name)
      const removed = result.appNetworks.filter((n) => n.removed).map((n) => n.name)
      if (removed.length > 0) this.log(`Removed the unused app networks ${removed.join(', ')}`)
      if (kept.length > 0) this.log(`Kept the networks of installed apps ${kept.join(', ')} (uninstall removes each)`)
    }
    return result
  }
}
