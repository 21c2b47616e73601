import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand, inputValues} from '../base-command.js'
import {checkLines} from '../check-lines.js'
import type {Engine} from '../lifecycle/context.js'
import {appUrl} from '../proxy/app-url.js'
import {assertProxySupports} from '../proxy/proxy-versions.js'
import {readTlsFlags, tlsFlags} from '../cli/tls-flags.js'
import {bundleFlags, bundleUse} from '../cli/bundle-flags.js'
import {bundleRecipeRef, installBundledPlugin} from '../cli/bundle-plugin.js'
import {DiscodeError} from '../errors.js'
import type {RawRecipe} from '../recipes/schema.js'
import {acceptCertificate} from '../tls/accept.js'
import type {CertificatePair} from '../tls/certificate.js'
import {readCertificate} from '../tls/certificate-store.js'
import {install} from '../lifecycle/install.js'
import {validateAppName} from '../names/names.js'
import {promptForInput} from '../prompt.js'
import {resolveRecipe} from '../recipes/resolve.js'
import {preflight, preflightError, type PreflightReport} from '../support/preflight.js'

export default class Install extends DiscodeCommand {
  static override summary = 'Install an app from a recipe and put it behind the proxy'
  static override description = `Creates the Docker network, boots kamal-proxy if needed, pulls the release image (the newest stable one in the recipe's feed unless --version), starts the container, runs the recipe's hooks and deploys it to the proxy.
Missing inputs are asked for on a terminal; with --yes or without a terminal they are an error that names them. Generated secrets are created once and kept (0600) under DISCODE_HOME.`

  static override examples = [
    {
      description: 'Install the demo recipe as an app named "demo"',
      command: '<%= config.bin %> install demo --set hostname=demo.example.com',
    },
    {
      description: "Install a second instance from a vendor plugin's recipe",
      command: '<%= config.bin %> install shop --recipe @acme/discode-shop:shop --set hostname=shop.example.com --yes',
    },
    {
      description: 'Install a recipe from a directory, at a given version',
      command: '<%= config.bin %> install myapp --recipe ./recipes/myapp --version 1.0.0',
    },
    {
      description: 'Give a secret input from a file, so that it never shows in the process list',
      command:
        '<%= config.bin %> install shop --recipe @acme/discode-shop:shop --set hostname=shop.example.com --set-file license_key=./license.txt',
    },
    {
      description: 'The same, from standard input (e.g. a password manager)',
      command:
        'pass show shop/license | <%= config.bin %> install shop --recipe @acme/discode-shop:shop --set hostname=shop.example.com --set-file license_key=-',
    },
    {
      description: 'Install although a host check fails (e.g. less memory than the vendor asks for)',
      command: '<%= config.bin %> install demo --skip-preflight',
    },
    {
      description: 'Serve HTTPS with your own certificate (checked first: key, expiry, host names)',
      command: '<%= config.bin %> install shop --set hostname=shop.example.com --tls-cert ./shop.crt --tls-key ./shop.key',
    },
    {
      description: 'Run it on a Docker Swarm cluster, 3 replicas spread over the nodes (after "discode cluster init")',
      command: '<%= config.bin %> install shop --set hostname=shop.example.com --cluster --replicas 3',
    },
    {
      description: "Install from a vendor whose feed is not signed (you accept that the feed's server chooses what runs)",
      command: '<%= config.bin %> install shop --allow-unsigned-feed',
    },
    {
      description: "Pull from the vendor's private registry (the password from the environment)",
      command: 'DISCODE_REGISTRY_PASSWORD=s3cret <%= config.bin %> install shop --registry-user customer-42',
    },
    {
      description: "Air-gapped: from the vendor's bundle, verified with the vendor's key (no feed, no registry)",
      command: '<%= config.bin %> install shop --bundle ./shop-1.5.0.bundle --key "$(cat shop-feed.pub)" --set hostname=shop.example.com',
    },
    {
      description: "Air-gapped on a cluster: the release images are loaded into each worker's Docker",
      command:
        '<%= config.bin %> install shop --cluster --bundle ./shop-1.5.0.bundle --key "$(cat shop-feed.pub)" --node-docker ssh://admin@10.0.0.6',
    },
  ]

  static override args = {app: Args.string({description: 'Name of the app instance (lowercase letters, digits, hyphens)', required: true})}

  static override flags = {
    recipe: Flags.string({char: 'r', description: 'Recipe name, plugin:name, or a path to a recipe directory [default: APP]'}),
    set: Flags.string({char: 's', description: 'Input value KEY=VALUE (repeatable); for a secret one prefer --set-file', multiple: true}),
    ...DiscodeCommand.setFileFlag,
    version: Flags.string({description: 'Install this release instead of the newest stable one'}),
    yes: Flags.boolean({char: 'y', description: 'Never prompt: missing required inputs are an error'}),
    'registry-user': Flags.string({description: "User name for the vendor's private image registry", dependsOn: ['registry-password']}),
    'registry-password': Flags.string({
      description: 'Password or token for that registry; prefer the environment variable, which stays out of process lists',
      env: 'DISCODE_REGISTRY_PASSWORD',
    }),
    'skip-preflight': Flags.boolean({
      description: 'Do not check the host first (see "discode preflight"); install even if a check would fail',
    }),
    cluster: Flags.boolean({
      description: 'Run the app on the Docker Swarm cluster this engine manages (see "discode cluster init")',
    }),
    replicas: Flags.integer({
      description: 'With --cluster: how many replicas of each release run [default: 2]',
      min: 1,
      dependsOn: ['cluster'],
    }),
    'allow-unsigned-feed': Flags.boolean({
      description:
        "Read the vendor's feed although it is not signed (no feedKey) and on another host: you accept that its server chooses what runs (kept for the app)",
    }),
    ...tlsFlags,
    ...bundleFlags,
    ...DiscodeCommand.waitFlag,
  }

  async run() {
    const {args, flags} = await this.parse(Install)
    const interactive = !flags.yes && !this.jsonEnabled() && Boolean(process.stdin.isTTY)
    const inputs = inputValues(flags.set, flags['set-file'])
    let engine = await this.engine()
    const use = bundleUse(flags, {to: flags.version, interactive, log: (line) => this.logToStderr(line)})
    const forApp = use && (await import('../bundle/for-app.js'))
    const bundle = use && (await forApp!.bundleForInstall(engine, use, {onCluster: flags.cluster}))
    if (bundle?.opened.firstUse) this.logToStderr(`Trusting the bundle's key ${bundle.opened.firstUse} (--yes)`)
    if (bundle?.plugin) {
      await installBundledPlugin(this, bundle.plugin, (line) => this.logToStderr(line))
      engine = await this.engine()
    }
    const recipeRef = bundle ? bundleRecipeRef(bundle) : flags.recipe
    const pair = readTlsFlags(flags)
    this.checkProxyOptions(engine, args.app, recipeRef ?? (await this.recordedRef(engine, args.app)), pair)
    const checked = flags['skip-preflight'] ? this.skippedPreflight() : await this.preflight(engine, args.app, recipeRef)
    const certificate = pair ? await acceptCertificate(engine, args.app, pair) : undefined
    const result = await install(engine, {
      app: args.app,
      recipe: recipeRef,
      set: inputs.values,
      inArguments: inputs.inArguments,
      version: flags.version,
      prompt: interactive ? promptForInput : undefined,
      wait: flags.wait,
      registry:
        flags['registry-user'] && flags['registry-password']
          ? {username: flags['registry-user'], password: flags['registry-password']}
          : undefined,
      cluster: flags.cluster ? {replicas: flags.replicas} : undefined,
      allowUnsignedFeed: flags['allow-unsigned-feed'],
      offline: bundle?.offline,
    })
    const {proxyHttpPort} = engine.settings
    const where =
      result.hosts.length > 0
        ? ` at ${result.hosts.map((host) => `${appUrl(host, proxyHttpPort)}${result.pathPrefix ?? ''}`).join(', ')}`
        : ''
    this.log(`Installed ${result.app} ${result.to.version} (${result.to.container})${where}`)
    return {...result, ...(certificate ? {certificate} : {}), preflight: checked, elapsed: this.elapsed()}
  }

  private async recordedRef(engine: Engine, app: string): Promise<string> {
    return (await engine.store.read(app))?.recipe.ref ?? app
  }

  /** Before anything is touched: options the proxy is too old for; `tls: custom` needs the customer's pair. */
  private checkProxyOptions(engine: Engine, app: string, ref: string, pair?: CertificatePair) {
    validateAppName(app)
    const raw: RawRecipe = resolveRecipe(ref, engine.recipeRoots).raw
    assertProxySupports(raw.proxy, engine.settings.proxyImage)
    // A reinstall (after an uninstall that kept secrets) finds the pair it had.
    if (raw.proxy.tls === 'custom' && !pair && !readCertificate(engine.settings.home, app)) {
      throw new DiscodeError(`The recipe ${raw.name} serves HTTPS with your own certificate (proxy.tls: custom)`, {
        code: 'TLS_CERT_REQUIRED',
        hint: `Pass it: discode install ${app} --tls-cert FILE --tls-key FILE`,
      })
    }
  }

  /** The host checks, before anything is touched: a failure stops here (nothing created, not even state). */
  private async preflight(engine: Engine, app: string, recipe: string | undefined): Promise<PreflightReport> {
    validateAppName(app)
    const ref = recipe ?? (await engine.store.read(app))?.recipe.ref ?? app
    const report = await preflight(engine, resolveRecipe(ref, engine.recipeRoots).raw)
    if (!report.ok) {
      for (const line of checkLines(report.checks, {onlyProblems: true})) this.logToStderr(line)
      throw preflightError(report)
    }
    for (const check of report.checks.filter((c) => c.status === 'warn')) this.warn(`${check.detail} (${check.hint})`)
    return report
  }

  private skippedPreflight(): {skipped: string} {
    const skipped = 'Docker version, memory, CPUs, architecture, disk, proxy ports, registry and feed reachability, clock'
    this.warn(`--skip-preflight: the host was not checked (${skipped})`)
    return {skipped}
  }
}
