/** `; requests were held for 1.4 s` after a pause-strategy switch; empty otherwise. */
export function heldText(heldMs: number | undefined): string {
  return heldMs === undefined ? '' : `; requests were held for ${(heldMs / 1000).toFixed(1)} s`
}
