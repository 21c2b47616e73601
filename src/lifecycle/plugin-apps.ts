import {StateStore} from '../state/store.js'

/** Installed apps whose recipe comes from one of the named plugins (by package name or its last part). */
export async function appsFromPlugins(home: string, plugins: string[]): Promise<{app: string; plugin: string}[]> {
  const store = new StateStore(home)
  const found: {app: string; plugin: string}[] = []
  for (const app of store.apps()) {
    const record = await store.read(app)
    const source = record?.recipe.source
    if (!record?.current || !source) continue
    if (plugins.some((name) => name === source || source.endsWith(`/${name}`))) found.push({app, plugin: source})
  }
  return found
}
