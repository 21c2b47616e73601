import type {AccessoryReport} from '../lifecycle/accessories/apply.js'
import type {AccessoryStatus} from '../lifecycle/accessories/status.js'

/** `db healthy, cache running` for a table cell; `-` without accessories. */
export function accessorySummary(statuses: AccessoryStatus[]): string {
  return statuses.length === 0 ? '-' : statuses.map((s) => `${s.name} ${s.health}`).join(', ')
}

/** One line per accessory that was acted on, for the command's output. */
export function describeAccessories(reports: AccessoryReport[] | undefined): string[] {
  return (reports ?? []).flatMap((r) => {
    switch (r.action) {
      case 'created':
        return [`Started the accessory ${r.name} (${r.container}, ${r.image})`]
      case 'started':
        return [`Started the stopped accessory ${r.name} (${r.container})`]
      case 'replaced':
        return [`Replaced the accessory ${r.name} (${r.container}, now ${r.image}): down for ${((r.downtimeMs ?? 0) / 1000).toFixed(1)} s`]
      case 'removed':
        return [`Removed the accessory ${r.name} (${r.container}), no longer in the recipe; its volumes are kept`]
      default:
        return []
    }
  })
}
