import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {resolve} from 'node:path'

import {DiscodeCommand} from '../base-command.js'
import {supportBundle} from '../support/bundle.js'

export default class SupportBundle extends DiscodeCommand {
  static override summary = "Write one archive with what the vendor's support needs, secrets redacted"
  static override description = `Collects discode's and Docker's versions, docker info essentials, doctor's result, the proxy's state and logs, and for each app (or APP): its record, journal (with the last failure and its log lines), containers and their recent logs, the recipe as installed, the feed check and the preflight results, plus what the vendor's plugin collects.
Every secret discode knows (generated secrets, secret inputs, registry passwords, and what other parts register) is replaced by [REDACTED] in every file, also URL- or base64-encoded; environment variables whose names look secret are masked. The archive is written 0600.`

  static override examples = [
    {description: 'Everything, for mailing to the vendor', command: '<%= config.bin %> support-bundle -o support.tar.gz'},
    {
      description: 'One app only; list what went in as JSON',
      command: '<%= config.bin %> support-bundle shop -o shop-support.tar.gz --json',
    },
  ]

  static override args = {app: Args.string({description: 'Only this app (the host facts are always included)'})}
  static override flags = {output: Flags.string({char: 'o', description: 'Archive to write (.tar.gz)', required: true})}

  async run() {
    const {args, flags} = await this.parse(SupportBundle)
    const report = await supportBundle(await this.engine(), {
      app: args.app,
      file: resolve(flags.output),
      discodeVersion: this.config.version,
    })
    for (const error of report.errors) this.warn(`Not collected: ${error}`)
    this.log(
      `Wrote ${report.file}: ${report.files.length} files for ${report.apps.length} app(s), ${report.secretsRedacted} secret value(s) redacted`,
    )
    return report
  }
}
