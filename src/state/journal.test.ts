import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {Journal} from './journal.js'

describe('Journal', () => {
  it('never writes a secret: details are redacted with the secrets known when each entry is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'discode-journal-'))
    try {
      const secrets: string[] = []
      const journal = new Journal(dir, () => secrets)
      journal.begin('install', 'from recipe demo')
      // The install generates its secrets after it began.
      secrets.push('generated-s3cret-0123')
      journal.record('start', 'hooks', 'Running preSwitch hook migrate')
      journal.record('end', 'install', 'failed: hook failed (exit 3): DATABASE_URL=postgres://app:generated-s3cret-0123@db/app')
      const text = readFileSync(join(dir, 'journal.jsonl'), 'utf8')
      assert.equal(text.includes('generated-s3cret-0123'), false)
      assert.match(text, /postgres:\/\/app:\[REDACTED\]@db\/app/)
      assert.equal(journal.entries().length, 3)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
