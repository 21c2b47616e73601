import {DiscodeCommand} from '../../base-command.js'
import {unjournaled} from '../../lifecycle/operation.js'
import {recoverPausedRoutes} from '../../lifecycle/paused-routes.js'
import {bootProxy} from '../../lifecycle/proxy-steps.js'

export default class ProxyBoot extends DiscodeCommand {
  static override summary = 'Start the kamal-proxy container (network, state volume, ports) if it is not running'
  static override examples = [
    '<%= config.bin %> proxy boot',
    'DISCODE_PROXY_HTTP_PORT=8080 DISCODE_PROXY_BIND=127.0.0.1 <%= config.bin %> proxy boot',
  ]

  async run() {
    await this.parse(ProxyBoot)
    const engine = await this.engine()
    await bootProxy(unjournaled(engine))
    const recovered = await recoverPausedRoutes(engine)
    for (const app of recovered) this.log(`Re-created the paused route of ${app}`)
    const status = await engine.proxy.status()
    this.log(`Proxy ${status.container} is ${status.state} (${status.image})`)
    return {...status, recovered}
  }
}
