import {readFileSync} from 'node:fs'

import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {DiscodeError} from '../../errors.js'
import {checkWebhookUrl, readNotifySecrets, readNotifySettings, writeNotifyConfig} from '../../notify/config.js'
import {checkSmtpTls} from '../../notify/mail.js'
import {notify} from '../../notify/notify.js'
import {webhookHost} from '../../notify/webhook.js'

export default class AutoUpdateNotify extends DiscodeCommand {
  static override summary = 'Where auto-update news goes: a webhook (Slack, Discord, any JSON receiver) and/or e-mail over SMTP'
  static override description = `Notifications: an update is available (policy off, outside the window, beyond the policy), an update was installed, an update failed (with the reason and the last log lines), a snapshot failed.
The webhook URL (it usually holds a token) and the SMTP password are read from a file or standard input (-), kept in DISCODE_HOME/notify-secrets.json (0600), and never printed. Without flags, shows the settings.`

  static override examples = [
    {
      description: 'A Slack or Discord webhook, from a file',
      command: '<%= config.bin %> auto-update notify --webhook-file ./slack-url.txt',
    },
    {
      description: 'E-mail through an SMTP server, the password from a password manager',
      command:
        'pass show smtp | <%= config.bin %> auto-update notify --smtp-host mail.example.com --smtp-port 587 --smtp-user ops --smtp-password-file - --mail-from discode@example.com --mail-to ops@example.com',
    },
    {
      description: 'Through a relay on this machine that takes mail without TLS (only a loopback relay may)',
      command:
        '<%= config.bin %> auto-update notify --smtp-host 127.0.0.1 --smtp-port 25 --smtp-plaintext-loopback --mail-from discode@example.com --mail-to ops@example.com',
    },
    {description: 'Send a test notification to every channel', command: '<%= config.bin %> auto-update notify --test'},
    {description: 'Stop mailing', command: '<%= config.bin %> auto-update notify --remove smtp'},
  ]

  static override flags = {
    'webhook-file': Flags.string({description: 'File holding the webhook URL (- = standard input)'}),
    'smtp-host': Flags.string({description: 'SMTP server'}),
    'smtp-port': Flags.integer({description: 'SMTP port (587 with STARTTLS, 465 with --smtp-secure)', default: 587}),
    'smtp-secure': Flags.boolean({description: 'TLS from the first byte (port 465)'}),
    'smtp-plaintext-loopback': Flags.boolean({
      description:
        'Allow SMTP without TLS, only to a relay on this machine (127.0.0.1, ::1, localhost); otherwise TLS (STARTTLS or --smtp-secure) is required',
    }),
    'smtp-user': Flags.string({description: 'SMTP user name'}),
    'smtp-password-file': Flags.string({description: 'File holding the SMTP password (- = standard input)'}),
    'mail-from': Flags.string({description: 'Sender address'}),
    'mail-to': Flags.string({description: 'Recipient (repeatable)', multiple: true}),
    remove: Flags.string({description: 'Stop notifying through this channel', options: ['webhook', 'smtp', 'all']}),
    test: Flags.boolean({description: 'Send a test notification to every configured channel'}),
  }

  async run() {
    const {flags} = await this.parse(AutoUpdateNotify)
    const {settingsFromEnv} = await import('../../config.js')
    const home = settingsFromEnv(process.env, this.config.configDir).home
    const settings = readNotifySettings(home)
    const secrets = readNotifySecrets(home)
    if (flags['webhook-file']) {
      secrets.webhookUrl = checkWebhookUrl(readSecretFile(flags['webhook-file'], '--webhook-file'))
      settings.webhook = {host: webhookHost(secrets.webhookUrl)}
    }
    if (flags['smtp-host']) {
      const to = flags['mail-to'] ?? settings.smtp?.to
      const from = flags['mail-from'] ?? settings.smtp?.from
      if (!to || to.length === 0 || !from)
        throw new DiscodeError('--smtp-host needs --mail-from and --mail-to', {
          hint: 'e.g. --mail-from discode@example.com --mail-to ops@example.com',
          code: 'BAD_FLAG',
        })
      settings.smtp = {
        host: flags['smtp-host'],
        port: flags['smtp-port'],
        secure: Boolean(flags['smtp-secure']),
        ...(flags['smtp-plaintext-loopback'] ? {plaintextLoopback: true} : {}),
        from,
        to,
        ...(flags['smtp-user'] ? {user: flags['smtp-user']} : {}),
      }
      checkSmtpTls(settings.smtp)
      if (flags['smtp-password-file']) secrets.smtpPassword = readSecretFile(flags['smtp-password-file'], '--smtp-password-file')
      else if (!flags['smtp-user']) delete secrets.smtpPassword
    } else if (flags['smtp-password-file'] || flags['mail-to'] || flags['mail-from'] || flags['smtp-user'])
      throw new DiscodeError('SMTP settings need --smtp-host', {hint: 'Give the whole SMTP configuration at once', code: 'BAD_FLAG'})
    if (flags.remove === 'webhook' || flags.remove === 'all') [settings.webhook, secrets.webhookUrl] = [undefined, undefined]
    if (flags.remove === 'smtp' || flags.remove === 'all') [settings.smtp, secrets.smtpPassword] = [undefined, undefined]
    writeNotifyConfig(home, settings, secrets)

    this.log(`Webhook: ${settings.webhook ? `to ${settings.webhook.host} (URL kept secret)` : 'none'}`)
    this.log(
      `Mail: ${settings.smtp ? `to ${settings.smtp.to.join(', ')} from ${settings.smtp.from} via ${settings.smtp.host}:${settings.smtp.port}${settings.smtp.user ? ` as ${settings.smtp.user}` : ''}` : 'none'}`,
    )
    const deliveries = flags.test
      ? await notify(home, {
          event: 'update-available',
          app: 'test',
          current: '1.0.0',
          version: '1.0.1',
          reason: 'This is a test notification from "discode auto-update notify --test"',
        })
      : []
    for (const delivery of deliveries) this.log(`Test by ${delivery.channel}: ${delivery.ok ? 'sent' : `failed: ${delivery.error}`}`)
    if (deliveries.some((delivery) => !delivery.ok)) process.exitCode = 1
    return {...settings, ...(flags.test ? {test: deliveries} : {})}
  }
}

function readSecretFile(path: string, flag: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8').trim()
  } catch (error) {
    throw new DiscodeError(
      `Cannot read ${flag} ${path === '-' ? 'from standard input' : path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        hint: 'Give a readable file that holds the value',
        code: 'BAD_FLAG',
      },
    )
  }
}
