import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {recoverPausedRoutes} from '../../lifecycle/paused-routes.js'

export default class ProxyReboot extends DiscodeCommand {
  static override summary = 'Recreate the proxy container (e.g. with a new DISCODE_PROXY_IMAGE); routes are kept'
  static override description =
    "The new image is pulled first; then the container is replaced, which interrupts traffic for a moment. Routes come back from the proxy's state volume, and the networks it was on are attached again. A proxy discode did not create (e.g. Kamal's) is shared: it is not rebooted unless --force."
  static override examples = [
    'DISCODE_PROXY_IMAGE=basecamp/kamal-proxy:v0.9.2 <%= config.bin %> proxy reboot',
    '<%= config.bin %> proxy reboot --force',
  ]
  static override flags = {
    force: Flags.boolean({description: 'Reboot the proxy even if another tool created it (discode then owns the new container)'}),
  }

  async run() {
    const {flags} = await this.parse(ProxyReboot)
    const engine = await this.engine()
    await engine.proxy.reboot({force: flags.force, onPull: (p) => engine.reporter.pullProgress(engine.settings.proxyImage, p)})
    // A route paused when the proxy went down comes back paused, and kamal-proxy cannot resume it.
    const recovered = await recoverPausedRoutes(engine)
    for (const app of recovered) this.log(`Re-created the paused route of ${app}`)
    const status = await engine.proxy.status()
    this.log(`Proxy ${status.container} rebooted with ${status.routes.length} route(s) (${status.image})`)
    return {...status, recovered}
  }
}
