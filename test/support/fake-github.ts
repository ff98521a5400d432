// A local HTTP server on 127.0.0.1 that speaks the GitHub REST endpoints alembic-preflight calls, so tests run
// the real Octokit against it: issue comments, issues (list, create, update), search, pulls.get, pull request
// reviews (list, create, update, their comments, delete a review comment). Records requests.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  login: string;
  type: 'Bot' | 'User';
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: FakeUser;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason?: string | null;
  labels: string[];
  isPullRequest: boolean;
  headSha?: string;
}

export interface FakeReviewComment {
  id: number;
  path: string;
  line: number;
  startLine?: number;
  side: string;
  body: string;
}

export interface FakeReview {
  id: number;
  pullNumber: number;
  commitId: string;
  body: string;
  event: string;
  user: FakeUser;
  comments: FakeReviewComment[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization?: string;
}

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  /** Largest page the server returns, whatever per_page asks: small values make clients paginate. */
  maxPageSize?: number;
}

const BOT: FakeUser = { login: 'github-actions[bot]', type: 'Bot' };

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly requests: RecordedRequest[] = [];
  comments: FakeComment[] = [];
  issues: FakeIssue[] = [];
  reviews: FakeReview[] = [];
  /** Files (path → lines) each pull request's diff touches; a review comment outside them gets GitHub's 422. */
  diffLines = new Map<number, Map<string, Set<number>>>();
  /** Switches: answer 403 as GitHub does for a read-only token (fork PRs). */
  forbid = { createComment: false, updateComment: false, issues: false, reviews: false };
  /** Who the token belongs to: null is a GITHUB_TOKEN (GET /user answers 403), a user is a personal token. */
  tokenUser: FakeUser | null = null;
  /** When set, every request is answered with this status (e.g. 500, to test real failures). */
  failAll: number | null = null;
  private nextId = 1000;
  private server: Server | undefined;
  private maxPageSize: number;
  url = '';

  constructor(options: FakeGitHubOptions = {}) {
    this.owner = options.owner ?? 'acme';
    this.repo = options.repo ?? 'shop';
    this.maxPageSize = options.maxPageSize ?? 100;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `fake-github: ${(error as Error).message}` }));
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A pull request (an issue that is one) to comment on. */
  addPullRequest(number: number, headSha = 'f'.repeat(40)): void {
    this.issues.push({ number, title: `PR ${number}`, body: '', state: 'open', labels: [], isPullRequest: true, headSha });
  }

  addComment(issueNumber: number, body: string, user: FakeUser = BOT): FakeComment {
    const comment = { id: this.nextId++, issueNumber, body, user };
    this.comments.push(comment);
    return comment;
  }

  commentsOn(issueNumber: number): FakeComment[] {
    return this.comments.filter((c) => c.issueNumber === issueNumber);
  }

  /** Requests that changed something (not GET). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private base(): string {
    return `/repos/${this.owner}/${this.repo}`;
  }

  private commentJson(c: FakeComment) {
    return {
      id: c.id,
      body: c.body,
      user: { login: c.user.login, type: c.user.type },
      html_url: `https://github.example/${this.owner}/${this.repo}/issues/${c.issueNumber}#issuecomment-${c.id}`,
      created_at: '2026-01-01T00:00:00Z',
    };
  }

  /** Reviews on a pull request that still carry comments (what a reviewer sees in the Files tab). */
  reviewsOn(pullNumber: number): FakeReview[] {
    return this.reviews.filter((r) => r.pullNumber === pullNumber);
  }

  private reviewJson(r: FakeReview) {
    return {
      id: r.id,
      body: r.body,
      commit_id: r.commitId,
      state: r.event === 'COMMENT' ? 'COMMENTED' : r.event,
      user: { login: r.user.login, type: r.user.type },
      html_url: `https://github.example/${this.owner}/${this.repo}/pull/${r.pullNumber}#pullrequestreview-${r.id}`,
    };
  }

  private issueJson(i: FakeIssue) {
    return {
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      state_reason: i.stateReason ?? null,
      labels: i.labels.map((name) => ({ name })),
      html_url: `https://github.example/${this.owner}/${this.repo}/${i.isPullRequest ? 'pull' : 'issues'}/${i.number}`,
      ...(i.isPullRequest ? { pull_request: { url: `${this.url}${this.base()}/pulls/${i.number}` } } : {}),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method, path: url.pathname, query, body, authorization: req.headers.authorization });

    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(status === 204 ? undefined : JSON.stringify(data));
    };
    const forbidden = () => send(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' });
    const notFound = () => send(404, { message: 'Not Found' });
    const page = <T>(items: T[]) => {
      const perPage = Math.min(Number(query.per_page ?? 30), this.maxPageSize);
      const n = Number(query.page ?? 1);
      const slice = items.slice((n - 1) * perPage, n * perPage);
      const headers: Record<string, string> = {};
      if (n * perPage < items.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(n + 1));
        headers.link = `<${next.href}>; rel="next"`;
      }
      return { slice, headers };
    };
    if (this.failAll !== null) return send(this.failAll, { message: 'fake-github: failing on purpose' });
    const b = body as Record<string, unknown> | undefined;
    const path = url.pathname;
    const base = this.base();
    let m: RegExpExecArray | null;

    if ((m = new RegExp(`^${base}/issues/(\\d+)/comments$`).exec(path))) {
      const number = Number(m[1]);
      if (!this.issues.some((i) => i.number === number)) return notFound();
      if (method === 'GET') {
        const { slice, headers } = page(this.commentsOn(number));
        return send(200, slice.map((c) => this.commentJson(c)), headers);
      }
      if (method === 'POST') {
        if (this.forbid.createComment) return forbidden();
        return send(201, this.commentJson(this.addComment(number, String(b?.body ?? ''), this.tokenUser ?? BOT)));
      }
    }
    if ((m = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(path))) {
      const comment = this.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return notFound();
      if (method === 'PATCH') {
        if (this.forbid.updateComment) return forbidden();
        comment.body = String(b?.body ?? '');
        return send(200, this.commentJson(comment));
      }
      if (method === 'DELETE') {
        this.comments = this.comments.filter((c) => c !== comment);
        return send(204, undefined);
      }
    }
    if (path === `${base}/issues`) {
      if (this.forbid.issues && method !== 'GET') return forbidden();
      if (method === 'GET') {
        const state = query.state ?? 'open';
        const labels = (query.labels ?? '').split(',').filter(Boolean);
        const found = this.issues.filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)));
        const { slice, headers } = page(found);
        return send(200, slice.map((i) => this.issueJson(i)), headers);
      }
      if (method === 'POST') {
        const issue: FakeIssue = {
          number: Math.max(0, ...this.issues.map((i) => i.number)) + 1,
          title: String(b?.title ?? ''),
          body: String(b?.body ?? ''),
          state: 'open',
          labels: ((b?.labels as string[] | undefined) ?? []).map(String),
          isPullRequest: false,
        };
        this.issues.push(issue);
        return send(201, this.issueJson(issue));
      }
    }
    if ((m = new RegExp(`^${base}/issues/(\\d+)$`).exec(path))) {
      const issue = this.issues.find((i) => i.number === Number(m![1]));
      if (!issue) return notFound();
      if (method === 'GET') return send(200, this.issueJson(issue));
      if (method === 'PATCH') {
        if (this.forbid.issues) return forbidden();
        if (typeof b?.title === 'string') issue.title = b.title;
        if (typeof b?.body === 'string') issue.body = b.body;
        if (b?.state === 'open' || b?.state === 'closed') issue.state = b.state;
        if (b && 'state_reason' in b) issue.stateReason = (b.state_reason as string | null) ?? null;
        return send(200, this.issueJson(issue));
      }
    }
    if ((m = new RegExp(`^${base}/pulls/(\\d+)/reviews$`).exec(path))) {
      const number = Number(m[1]);
      if (!this.issues.some((i) => i.isPullRequest && i.number === number)) return notFound();
      if (method === 'GET') {
        const { slice, headers } = page(this.reviews.filter((r) => r.pullNumber === number));
        return send(200, slice.map((r) => this.reviewJson(r)), headers);
      }
      if (method === 'POST') {
        if (this.forbid.reviews) return forbidden();
        const comments = ((b?.comments as Record<string, unknown>[] | undefined) ?? []).map((c) => ({
          id: this.nextId++, path: String(c.path), line: Number(c.line), side: String(c.side ?? 'RIGHT'), body: String(c.body ?? ''),
          ...(c.start_line !== undefined ? { startLine: Number(c.start_line) } : {}),
        }));
        const diff = this.diffLines.get(number);
        const outside = diff && comments.find((c) => !(diff.get(c.path)?.has(c.line) && (c.startLine === undefined || diff.get(c.path)?.has(c.startLine))));
        if (outside) return send(422, { message: 'Unprocessable Entity', errors: [`Line could not be resolved: ${outside.path}:${outside.line}`] });
        const review: FakeReview = {
          id: this.nextId++, pullNumber: number, commitId: String(b?.commit_id ?? ''), body: String(b?.body ?? ''),
          event: String(b?.event ?? 'PENDING'), user: this.tokenUser ?? BOT, comments,
        };
        this.reviews.push(review);
        return send(200, this.reviewJson(review));
      }
    }
    if ((m = new RegExp(`^${base}/pulls/(\\d+)/reviews/(\\d+)(/comments)?$`).exec(path))) {
      const review = this.reviews.find((r) => r.pullNumber === Number(m![1]) && r.id === Number(m![2]));
      if (!review) return notFound();
      if (m[3] && method === 'GET') {
        const { slice, headers } = page(review.comments);
        return send(200, slice.map((c) => ({ id: c.id, path: c.path, line: c.line, body: c.body, pull_request_review_id: review.id })), headers);
      }
      if (!m[3] && method === 'PUT') {
        review.body = String(b?.body ?? '');
        return send(200, this.reviewJson(review));
      }
    }
    if ((m = new RegExp(`^${base}/pulls/comments/(\\d+)$`).exec(path)) && method === 'DELETE') {
      const review = this.reviews.find((r) => r.comments.some((c) => c.id === Number(m![1])));
      if (!review) return notFound();
      review.comments = review.comments.filter((c) => c.id !== Number(m![1]));
      return send(204, undefined);
    }
    if ((m = new RegExp(`^${base}/pulls/(\\d+)$`).exec(path)) && method === 'GET') {
      const pr = this.issues.find((i) => i.isPullRequest && i.number === Number(m![1]));
      if (!pr) return notFound();
      return send(200, { number: pr.number, state: pr.state, head: { sha: pr.headSha } });
    }
    if (path === '/user' && method === 'GET') {
      return this.tokenUser ? send(200, { login: this.tokenUser.login, type: this.tokenUser.type }) : forbidden();
    }
    if (path === '/search/issues' && method === 'GET') {
      // Enough of the search syntax for `repo:o/r is:issue is:open label:x "text"`.
      const q = query.q ?? '';
      const labels = [...q.matchAll(/label:"?([^"\s]+)"?/g)].map((x) => x[1]!);
      const text = [...q.matchAll(/"([^"]+)"/g)].map((x) => x[1]!).filter((t) => !labels.includes(t));
      const open = /is:open/.test(q);
      const found = this.issues.filter((i) => !i.isPullRequest && (!open || i.state === 'open')
        && labels.every((l) => i.labels.includes(l)) && text.every((t) => i.body.includes(t) || i.title.includes(t)));
      const { slice, headers } = page(found);
      return send(200, { total_count: found.length, incomplete_results: false, items: slice.map((i) => this.issueJson(i)) }, headers);
    }
    return notFound();
  }
}
