export interface PullProgress {
  /** Bytes downloaded so far over all layers, and the total known so far. */
  current: number
  total: number
  status: string
}

/** One JSON event of Docker's pull stream. */
export interface PullEvent {
  id?: string
  status?: string
  progressDetail?: {current?: number; total?: number}
}

/** Sums the download progress of a pull's layers, event by event. */
export class PullProgressTracker {
  private readonly layers = new Map<string, {current: number; total: number}>()

  add(event: PullEvent): PullProgress {
    if (event.id && event.progressDetail?.total) {
      this.layers.set(event.id, {current: event.progressDetail.current ?? 0, total: event.progressDetail.total})
    } else if (event.id && event.status === 'Pull complete') {
      const layer = this.layers.get(event.id)
      if (layer) layer.current = layer.total
    }
    let current = 0
    let total = 0
    for (const layer of this.layers.values()) {
      current += layer.current
      total += layer.total
    }
    return {current, total, status: event.status ?? ''}
  }
}
