import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * A built page and its compressed forms, each made once, when an answer first asks for it.
 * Brotli at a fast level: a page lives only until what it shows changes, unlike the assets
 * compressed at build time.
 */
export class PageBody {
  private br: Promise<Buffer> | undefined;
  private gz: Promise<Buffer> | undefined;

  constructor(readonly html: string) {}

  brotli(): Promise<Buffer> {
    this.br ??= brotli(this.html, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }).catch(
      (error: unknown) => {
        // Not kept: the next answer tries again.
        this.br = undefined;
        throw error;
      },
    );
    return this.br;
  }

  gzip(): Promise<Buffer> {
    this.gz ??= gzip(this.html).catch((error: unknown) => {
      this.gz = undefined;
      throw error;
    });
    return this.gz;
  }
}

/** A page as served: its body and its `Link` preload header ('' for none). */
export interface BuiltPage {
  readonly body: PageBody;
  readonly link: string;
}

/**
 * Built pages by route, each served again while it is current: built for the same key (what its
 * data was read from) at most `maxAgeMs` ago. The key is read before the data, so a page never
 * shows older data than its key says; a change during the build only costs a rebuild.
 */
export class PageCache {
  private readonly pages = new Map<string, { key: string; builtAt: number; page: BuiltPage }>();

  constructor(
    private readonly maxAgeMs: number,
    readonly now: () => number = Date.now,
  ) {}

  /** The page of `route` built for `key`, unless it is older than the cache's age at `at`. */
  get(route: string, key: string, at: number): BuiltPage | undefined {
    const entry = this.pages.get(route);
    if (entry === undefined || entry.key !== key || at - entry.builtAt >= this.maxAgeMs) return undefined;
    return entry.page;
  }

  /** Keeps `page`, built from data read at `builtAt` when the key was `key`. */
  set(route: string, key: string, builtAt: number, page: BuiltPage): void {
    this.pages.set(route, { key, builtAt, page });
  }
}
