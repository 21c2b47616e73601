/**
 * Vendor collectors: a vendor plugin may add files to the support bundle of apps installed from its
 * recipes, with an oclif hook on `discode:support-bundle`. It runs through the same per-vendor hook
 * runner as the deploy hooks (only that vendor's plugin, only for its apps, in a sandboxed process whose
 * only calls are `add` and `log`), and what it adds is redacted with everything else.
 */
import type {SupportBundleContext} from '../../packages/discode-types/index.js'
import type {Engine} from '../lifecycle/context.js'
import type {AppRecord} from '../state/store.js'
import type {BundleEntry} from './bundle-archive.js'

export const SUPPORT_BUNDLE_EVENT = 'discode:support-bundle'

export async function vendorEntries(engine: Engine, record: AppRecord): Promise<BundleEntry[]> {
  const hooks = engine.pluginHooks(record.recipe.source)
  if (!hooks?.has(SUPPORT_BUNDLE_EVENT)) return []
  const dir = `apps/${record.app}/vendor`
  const entries: BundleEntry[] = []
  const context: SupportBundleContext = {
    app: record.app,
    recipe: {ref: record.recipe.ref, source: record.recipe.source},
    release: record.current && {version: record.current.version, image: record.current.image, container: record.current.container},
    add(name, content) {
      entries.push({path: `${dir}/${name.replace(/[^A-Za-z0-9._-]/g, '_')}`, content: String(content)})
    },
    log: (message) => engine.reporter.info(`${record.recipe.source}: ${message}`),
  }
  try {
    await hooks.run(SUPPORT_BUNDLE_EVENT, context)
  } catch (error) {
    entries.push({path: `${dir}/collector-error.txt`, content: `${(error as Error).message}\n`})
  }
  return entries
}
