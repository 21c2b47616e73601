import {mkdirSync, renameSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'

/** Write to a temporary file, then rename: a reader sees the old or the new file, never half of one. */
export function writeFileAtomic(file: string, content: string, mode = 0o600): void {
  mkdirSync(dirname(file), {recursive: true, mode: 0o700})
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, content, {mode})
  renameSync(temp, file)
}
