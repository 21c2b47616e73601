import {readFileSync} from 'node:fs'

import {DiscodeError} from '../errors.js'

export const PASSPHRASE_ENV = 'DISCODE_BACKUP_PASSPHRASE'

/**
 * A snapshot passphrase, never from the process arguments (visible to every user in `ps`): from a
 * file (`-` is standard input, first line), else the environment, else `ask` (a terminal prompt).
 */
export async function readPassphrase(options: {file?: string; env?: NodeJS.ProcessEnv; ask?: () => Promise<string>}): Promise<string> {
  let value: string | undefined
  if (options.file !== undefined) {
    try {
      value = readFileSync(options.file === '-' ? 0 : options.file, 'utf8').split(/\r?\n/)[0]
    } catch (error) {
      throw new DiscodeError(
        `Cannot read the passphrase file ${options.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        {
          hint: 'Give a readable file whose first line is the passphrase, or - for standard input',
          code: 'BAD_FLAG',
        },
      )
    }
  } else if ((options.env ?? process.env)[PASSPHRASE_ENV]) {
    value = (options.env ?? process.env)[PASSPHRASE_ENV]
  } else if (options.ask) {
    value = await options.ask()
  }
  if (!value) {
    throw new DiscodeError('No passphrase given for the encrypted snapshot', {
      hint: `Give it with --passphrase-file FILE (or - for standard input), or set ${PASSPHRASE_ENV}`,
      code: 'PASSPHRASE_REQUIRED',
    })
  }
  return value
}
