/**
 * Whether a release's replicas should be spread again (pure). Swarm places tasks once: after a lost
 * node comes back its tasks stay where they were rescheduled, so one node carries what two should.
 * Uneven means some ready node runs fewer than it could while another runs more than its share.
 */
export function unevenSpread(byNode: Record<string, number>, readyNodes: string[], replicas: number): boolean {
  if (readyNodes.length < 2) return false
  const counts = readyNodes.map((id) => byNode[id] ?? 0)
  const share = Math.ceil(replicas / readyNodes.length)
  return Math.max(...counts) > share && Math.min(...counts) < Math.floor(replicas / readyNodes.length)
}
