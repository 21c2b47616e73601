import {DiscodeCommand} from '../../base-command.js'

export default class ProxyRemove extends DiscodeCommand {
  static override summary = 'Stop and remove the proxy container (its state volume is kept)'
  static override description = 'All apps stop being reachable until "discode proxy boot", which brings the routes back.'
  static override examples = ['<%= config.bin %> proxy remove']

  async run() {
    await this.parse(ProxyRemove)
    const engine = await this.engine()
    await engine.proxy.remove()
    this.log(`Removed ${engine.proxy.containerName}; its routes are kept in volume ${engine.proxy.stateVolume}`)
    return {container: engine.proxy.containerName, removed: true}
  }
}
