import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand, inputValues} from '../base-command.js'
import {describeAccessories} from '../cli/accessory-text.js'
import {heldText} from '../cli/held-text.js'
import type {PlannedHop, UpdatePlan} from '../updates/plan.js'
import {readTlsFlags, tlsFlags} from '../cli/tls-flags.js'
import {bundleFlags, bundleUse} from '../cli/bundle-flags.js'
import {installBundledPlugin} from '../cli/bundle-plugin.js'
import {acceptCertificate} from '../tls/accept.js'

export default class Update extends DiscodeCommand {
  static override summary = 'Update an app to a newer release with zero downtime'
  static override description = `Reads the vendor's release feed and picks the newest stable release above the running one (or --to). Pulls it, starts it beside the running container, runs the preSwitch hooks, lets kamal-proxy health-check it and switch traffic atomically, then stops the old container (kept for "discode rollback").
If anything fails before the switch, the new container is removed and the running version keeps serving.
When the vendor marks releases as required (or a release can only be reached from a newer one), the update passes through them in order, each step a full zero-downtime update; --check shows the plan: each step's notes, new inputs, hooks, accessory changes, download size and whether a snapshot is taken.`

  static override examples = [
    {description: 'Update to the newest stable release', command: '<%= config.bin %> update myapp'},
    {description: 'Only show the plan: the steps, their notes and new inputs', command: '<%= config.bin %> update myapp --check'},
    {description: 'The plan as data', command: '<%= config.bin %> update myapp --check --json'},
    {description: 'Move to a given release (also older ones)', command: '<%= config.bin %> update myapp --to 1.4.2'},
    {description: 'Update and change an input on the way', command: '<%= config.bin %> update myapp --set hostname=new.example.com'},
    {
      description: "Also replace accessories whose definition changed (e.g. the vendor's new database image)",
      command: '<%= config.bin %> update myapp --accessories',
    },
    {
      description: 'Update without saving the data first (a migration then cannot be undone with rollback --restore-data)',
      command: '<%= config.bin %> update myapp --no-snapshot',
    },
    {
      description: "Keep reading the vendor's unsigned feed on another host (you accept that its server chooses what runs)",
      command: '<%= config.bin %> update myapp --allow-unsigned-feed',
    },
    {
      description: 'Replace the certificate (rotation, zero downtime; also with no newer release)',
      command: '<%= config.bin %> update myapp --tls-cert ./myapp.crt --tls-key ./myapp.key',
    },
    {
      description: 'An app installed from a bundle, now on a server that reaches the vendor: read the feed again',
      command: '<%= config.bin %> update myapp --online',
    },
    {
      description: "Air-gapped: from the vendor's bundle, verified with the recipe's feedKey (no feed, no registry)",
      command: '<%= config.bin %> update myapp --bundle ./shop-1.6.0.bundle',
    },
    {
      description: "Air-gapped, an app on a cluster: the release images are loaded into each worker's Docker",
      command:
        '<%= config.bin %> update myapp --bundle ./shop-1.6.0.bundle --node-docker ssh://admin@10.0.0.6 --node-docker ssh://admin@10.0.0.7',
    },
  ]

  static override args = {app: Args.string({description: 'Installed app name', required: true})}

  static override flags = {
    to: Flags.string({description: 'Install this release (any version in the feed)'}),
    check: Flags.boolean({
      description:
        'Report the plan (steps, notes, new inputs, hooks, sizes); change nothing. A bundle: "discode bundle inspect FILE" (loading it is a change)',
      exclusive: ['bundle'],
    }),
    set: Flags.string({
      char: 's',
      description: 'Change an input (KEY=VALUE, repeatable); applied with the release being deployed',
      multiple: true,
    }),
    ...DiscodeCommand.setFileFlag,
    accessories: Flags.boolean({
      description: 'Replace accessories whose definition changed (each is down until its new container is healthy; volumes are kept)',
    }),
    snapshot: Flags.boolean({
      description: "Save the app's data before a migration (default); --no-snapshot updates without it",
      default: true,
      allowNo: true,
    }),
    'allow-unsigned-feed': Flags.boolean({
      description:
        "Read the vendor's feed although it is not signed and on another host (kept for the app; --no-allow-unsigned-feed withdraws it)",
      allowNo: true,
    }),
    'accept-feed-key': Flags.boolean({
      description:
        "Accept the recipe's new (or removed) feedKey after a plugin update changed it; only once the vendor confirmed the change",
    }),
    online: Flags.boolean({
      description: "An app installed from a bundle: read the vendor's feed again, from now on (its server reaches the feed now)",
      exclusive: ['bundle'],
    }),
    ...tlsFlags,
    ...bundleFlags,
    ...DiscodeCommand.waitFlag,
  }

  async run() {
    const {args, flags} = await this.parse(Update)
    let engine = await this.engine()
    const inputs = inputValues(flags.set, flags['set-file'])
    const use = bundleUse({...flags, yes: false}, {to: flags.to, interactive: false, log: (line) => this.logToStderr(line)})
    const bundle = use && (await (await import('../bundle/for-app.js')).bundleForUpdate(engine, args.app, use))
    if (bundle?.plugin) {
      await installBundledPlugin(this, bundle.plugin, (line) => this.logToStderr(line))
      engine = await this.engine()
      await (await import('../bundle/adopt-plugin.js')).adoptPluginRecipe(engine, args.app, bundle.opened.manifest)
    }
    const options = {
      app: args.app,
      to: flags.to,
      set: inputs.values,
      accessories: flags.accessories,
      allowUnsignedFeed: flags['allow-unsigned-feed'],
      acceptFeedKey: flags['accept-feed-key'],
      offline: bundle?.offline,
      online: flags.online,
    }
    if (flags.check) {
      const {checkUpdate} = await import('../updates/update-path.js')
      const plan = await checkUpdate(engine, args.app, {...options, snapshot: flags.snapshot})
      for (const line of planLines(plan)) this.log(line)
      const last = plan.hops.at(-1)
      return {app: args.app, current: plan.current, available: last ?? null, plan}
    }
    const pair = readTlsFlags(flags)
    const certificate = pair ? await acceptCertificate(engine, args.app, pair) : undefined
    if (certificate) this.log(`Certificate for ${certificate.subject}, valid until ${certificate.validTo}: applying it`)
    const {updateAlongPath} = await import('../updates/update-path.js')
    const {results, plan} = await updateAlongPath(engine, {
      ...options,
      reroute: Boolean(certificate),
      wait: flags.wait,
      snapshot: flags.snapshot,
      inArguments: inputs.inArguments,
      onHop: (index, total, version) => {
        if (total > 1) this.logToStderr(`Step ${index + 1} of ${total}: ${args.app} → ${version}`)
      },
    })
    for (const result of results) {
      for (const line of describeAccessories(result.accessories)) this.log(line)
      if (result.status === 'up-to-date')
        this.log(`${args.app} ${result.current.version} is up to date${result.rerouted ? ', and routed again' : ''}`)
      else this.log(`Updated ${args.app} ${result.from?.version} → ${result.to.version} (${result.to.container})${heldText(result.heldMs)}`)
    }
    const [first, last] = [results[0], results.at(-1)!]
    const from = first.status === 'updated' ? {from: first.from} : {}
    const loadedOn = bundle?.nodes ? {bundleImagesLoadedOn: bundle.nodes} : {}
    return {...last, ...from, hops: results, plan, ...(certificate ? {certificate} : {}), ...loadedOn, elapsed: this.elapsed()}
  }
}

/** The plan as people read it: one block per step, then what blocks it. */
export function planLines(plan: UpdatePlan): string[] {
  if (plan.hops.length === 0 && plan.blockers.length === 0) return [`${plan.app}: ${plan.current} is up to date`]
  const lines: string[] = []
  if (plan.hops.length > 0) {
    const steps = plan.hops.length > 1 ? ` in ${plan.hops.length} steps` : ''
    lines.push(`${plan.app}: ${plan.current} → ${plan.target} available${steps}`)
    plan.hops.forEach((hop, index) => lines.push(...hopLines(hop, index)))
  } else lines.push(`${plan.app}: ${plan.current} → ${plan.target ?? '?'} cannot be planned`)
  if (plan.blockers.length > 0) {
    lines.push('This update cannot be carried out yet:')
    for (const blocker of plan.blockers) lines.push(`  - ${blocker.message}`, `    Hint: ${blocker.hint}`)
  }
  return lines
}

function hopLines(hop: PlannedHop, index: number): string[] {
  const tags = [hop.required ? 'required' : '', hop.channel === 'stable' ? '' : hop.channel].filter(Boolean)
  const lines = [`  ${index + 1}. ${hop.version}${tags.length > 0 ? ` (${tags.join(', ')})` : ''}`]
  if (hop.notes) lines.push(...hop.notes.split('\n').map((line, i) => `     ${i === 0 ? 'Notes: ' : '       '}${line}`))
  for (const input of hop.newInputs) {
    const how = {
      given: 'given',
      default: `default ${input.secret ? '(secret)' : JSON.stringify(input.default ?? '')}`,
      missing: 'required, no default: give it with --set',
    }[input.source]
    lines.push(`     New input: ${input.name}${input.description ? ` (${input.description})` : ''}: ${how}`)
  }
  const hooks = [
    ...hop.hooks.preSwitch.map((name) => `${name} (before the switch)`),
    ...hop.hooks.postSwitch.map((name) => `${name} (after)`),
  ]
  lines.push(`     Hooks: ${hooks.length > 0 ? hooks.join(', ') : 'none'}`)
  const {added, removed, changed} = hop.accessories
  const accessories = [...added.map((n) => `${n} added`), ...removed.map((n) => `${n} removed`), ...changed.map((n) => `${n} changed`)]
  if (accessories.length > 0) lines.push(`     Accessories: ${accessories.join(', ')}`)
  lines.push(
    `     Download: ${hop.imageBytes === null ? 'unknown size' : hop.imageBytes === 0 ? 'none (on this host)' : `${(hop.imageBytes / 1_000_000).toFixed(1)} MB`}`,
  )
  lines.push(`     Snapshot first: ${SNAPSHOT_TEXT[hop.snapshotTrigger ?? 'none']}`)
  lines.push(`     Rollback to the current release: ${ROLLBACK_TEXT[hop.rollback]}`)
  return lines
}

const SNAPSHOT_TEXT: Record<NonNullable<PlannedHop['snapshotTrigger']> | 'none', string> = {
  'pre-update': 'yes (this step runs preSwitch hooks)',
  'pre-accessories': 'yes (this step replaces accessories)',
  none: 'no',
}

const ROLLBACK_TEXT: Record<PlannedHop['rollback'], string> = {
  'no-migration': 'plain (no migration)',
  'declared-compatible': 'plain (the vendor declares the older release runs on the migrated data)',
  'reverse-migrations': "plain (the recipe's preRollback hooks reverse the migration)",
  'needs-data-choice': 'needs a data choice (--restore-data or --keep-data): the vendor declares no compatibility',
}
