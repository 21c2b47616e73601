import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand, inputValues} from '../base-command.js'
import {describeAccessories} from '../cli/accessory-text.js'
import {heldText} from '../cli/held-text.js'
import {checkUpdate} from '../lifecycle/check.js'
import {update} from '../lifecycle/update.js'
import {readTlsFlags, tlsFlags} from '../cli/tls-flags.js'
import {acceptCertificate} from '../tls/accept.js'

export default class Update extends DiscodeCommand {
  static override summary = 'Update an app to a newer release with zero downtime'
  static override description = `Reads the vendor's release feed and picks the newest stable release above the running one (or --to). Pulls it, starts it beside the running container, runs the preSwitch hooks, lets kamal-proxy health-check it and switch traffic atomically, then stops the old container (kept for "discode rollback").
If anything fails before the switch, the new container is removed and the running version keeps serving.`

  static override examples = [
    {description: 'Update to the newest stable release', command: '<%= config.bin %> update myapp'},
    {description: 'Only show what an update would install', command: '<%= config.bin %> update myapp --check'},
    {description: 'Move to a given release (also older ones)', command: '<%= config.bin %> update myapp --to 1.4.2'},
    {description: 'Update and change an input on the way', command: '<%= config.bin %> update myapp --set hostname=new.example.com'},
    {
      description: "Also replace accessories whose definition changed (e.g. the vendor's new database image)",
      command: '<%= config.bin %> update myapp --accessories',
    },
    {
      description: 'Replace the certificate (rotation, zero downtime; also with no newer release)',
      command: '<%= config.bin %> update myapp --tls-cert ./myapp.crt --tls-key ./myapp.key',
    },
  ]

  static override args = {app: Args.string({description: 'Installed app name', required: true})}

  static override flags = {
    to: Flags.string({description: 'Install this release (any version in the feed)'}),
    check: Flags.boolean({description: 'Report what would be installed; change nothing'}),
    set: Flags.string({
      char: 's',
      description: 'Change an input (KEY=VALUE, repeatable); applied with the release being deployed',
      multiple: true,
    }),
    ...DiscodeCommand.setFileFlag,
    accessories: Flags.boolean({
      description: 'Replace accessories whose definition changed (each is down until its new container is healthy; volumes are kept)',
    }),
    ...tlsFlags,
    ...DiscodeCommand.waitFlag,
  }

  async run() {
    const {args, flags} = await this.parse(Update)
    const engine = await this.engine()
    if (flags.check) {
      const check = await checkUpdate(engine, args.app, {to: flags.to})
      this.log(
        check.available
          ? `${args.app}: ${check.current} → ${check.available.version} available`
          : `${args.app}: ${check.current} is up to date`,
      )
      return {app: args.app, current: check.current, available: check.available ?? null}
    }
    const inputs = inputValues(flags.set, flags['set-file'])
    const pair = readTlsFlags(flags)
    const certificate = pair ? await acceptCertificate(engine, args.app, pair) : undefined
    if (certificate) this.log(`Certificate for ${certificate.subject}, valid until ${certificate.validTo}: applying it`)
    const result = await update(engine, {
      app: args.app,
      to: flags.to,
      wait: flags.wait,
      set: inputs.values,
      inArguments: inputs.inArguments,
      accessories: flags.accessories,
      reroute: Boolean(certificate),
    })
    for (const line of describeAccessories(result.accessories)) this.log(line)
    if (result.status === 'up-to-date')
      this.log(`${args.app} ${result.current.version} is up to date${result.rerouted ? ', and routed again' : ''}`)
    else this.log(`Updated ${args.app} ${result.from?.version} → ${result.to.version} (${result.to.container})${heldText(result.heldMs)}`)
    return {...result, ...(certificate ? {certificate} : {}), elapsed: this.elapsed()}
  }
}
