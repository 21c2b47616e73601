import {DiscodeError} from '../errors.js'
import {LABELS} from '../names/names.js'

/**
 * Docker names are one flat namespace: `<app>-<volume>`, `<app>-<accessory>` and
 * `<app>-<accessory>-<volume>` of different apps can be the same string (app `shop` with volume
 * `blog-data`, app `shop-blog` with volume `data`), and the proxy's own names are in it too. So a name
 * never proves ownership: the `discode.app` label does. Pure decisions, carried out by claim.ts.
 */

export type DockerObject = 'volume' | 'container'

/** A volume or container found under a derived name: its labels, or absent. */
export type Found = {labels: Record<string, string> | null | undefined} | undefined

/**
 * Whether `app` may use (mount, replace, remove) the object found under `name`. Absent: yes (it is
 * created with the app's labels). Labelled as the app's: yes. Another app's label: never. No label:
 * only when `adoptUnlabelled` (see adoptsUnlabelled): discode has labelled what it creates since its
 * first release, so an unlabelled object was made by someone else, and a fresh install never takes it.
 */
export function ownershipProblem(
  kind: DockerObject,
  name: string,
  found: Found,
  app: string,
  adoptUnlabelled: boolean,
): DiscodeError | undefined {
  if (!found) return undefined
  const owner = found.labels?.[LABELS.app]
  if (owner === app) return undefined
  if (owner === undefined && adoptUnlabelled) return undefined
  const whose = owner === undefined ? 'was not created by discode for it' : `belongs to the app ${owner}`
  return new DiscodeError(`The ${kind} ${name} needed by ${app} ${whose}: nothing was changed`, {
    hint:
      owner === undefined
        ? `Choose another app name, or if it is not needed, remove it ("docker ${kind} rm ${name}") and run the command again`
        : `Two apps' names collide; install ${app} under another name (e.g. "discode install ${app}2 --recipe ...")`,
    code: 'NAME_TAKEN',
  })
}

/**
 * The adoption rule for unlabelled volumes and containers (kept working for existing installs): only
 * an app that is already installed on this host (its record has a serving release) adopts one under
 * its own derived names; a first install (or a disaster recovery onto a host) never does.
 */
export function adoptsUnlabelled(record: {current?: unknown} | undefined): boolean {
  return Boolean(record?.current)
}

export interface NamedParts {
  volumes: {name: string}[]
  accessories: Record<string, {volumes: {name: string}[]}>
}

/** Every Docker name an app's recipe makes: its volumes, accessory containers and their volumes. */
export function derivedNames(app: string, recipe: NamedParts): {volumes: string[]; containers: string[]} {
  const volumes = recipe.volumes.map((v) => `${app}-${v.name}`)
  const containers: string[] = []
  for (const [name, accessory] of Object.entries(recipe.accessories)) {
    containers.push(`${app}-${name}`, `${app}-${name}-previous`)
    volumes.push(...accessory.volumes.map((v) => `${app}-${name}-${v.name}`))
  }
  return {volumes, containers}
}

/** The proxy's names: its container, its state volume (every app's TLS keys) and discode's network. */
export function reservedNames(settings: {proxyContainer: string; network: string}): string[] {
  return [settings.proxyContainer, `${settings.proxyContainer}-config`, settings.network]
}

/**
 * Refuses, before anything is created, an app whose names would address the proxy's container,
 * state volume or network (e.g. app `kamal` with a volume `proxy-config`), whether or not those exist yet.
 */
export function reservedNameProblem(app: string, recipe: NamedParts, reserved: string[]): DiscodeError | undefined {
  const {volumes, containers} = derivedNames(app, recipe)
  const hit = [app, ...volumes, ...containers].find((name) => reserved.includes(name))
  if (!hit) return undefined
  return new DiscodeError(`The app name ${app} with its recipe's names makes "${hit}", which is reserved for the proxy`, {
    hint: `Install it under another app name (e.g. "discode install my${app} --recipe ...")`,
    code: 'NAME_RESERVED',
  })
}
