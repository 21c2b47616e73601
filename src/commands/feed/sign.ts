import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {DEFAULT_EXPIRES, signFeed} from '../../feed/sign.js'

export default class FeedSign extends DiscodeCommand {
  static override summary = 'Sign a release feed: set its published and expires times and write FEED.sig'
  static override description = `Checks the feed (every release valid, every image pinned by @sha256: digest), sets its top-level "published" (now) and "expires" (now + --expires), writes it back as 2-space JSON and writes FEED.sig, the base64 ed25519 signature over the file's exact bytes.
Publish both files side by side (FEED and FEED.sig) and do not change FEED afterwards. Sign again before the feed expires: discode refuses an expired feed.`

  static override examples = [
    {description: 'Sign feed.json for 30 days', command: '<%= config.bin %> feed sign ./feed.json --key ./keys/feed.key'},
    {
      description: 'Sign it for 12 hours (re-sign from a scheduled job)',
      command: '<%= config.bin %> feed sign ./feed.json --key ./keys/feed.key --expires 12h',
    },
  ]

  static override args = {feed: Args.file({description: 'The feed JSON file (rewritten in place)', required: true})}

  static override flags = {
    key: Flags.file({char: 'k', description: 'The private key written by `feed keygen` (DIR/feed.key)', required: true}),
    expires: Flags.string({
      description: 'How long the signature is valid: days, hours or minutes, e.g. 30d, 12h, 90m',
      default: DEFAULT_EXPIRES,
    }),
  }

  async run() {
    const {args, flags} = await this.parse(FeedSign)
    const signed = signFeed(args.feed, flags.key, {expires: flags.expires})
    this.log(`Signed ${signed.feedPath}: published ${signed.published}, expires ${signed.expires}`)
    this.log(`Signature: ${signed.signaturePath}`)
    this.log(`Recipes must carry feedKey: ${signed.publicKey}`)
    return signed
  }
}
