/** The page at `/` until the web app is built (issue "The YourNet web app"). */
export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>YourNet: Decentralized content sharing</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}code{background:#eee;padding:0 .2em}</style>
</head>
<body>
<h1>YourNet: Decentralized content sharing</h1>
<p>This node is running. The web app is not built into this version yet; meanwhile:</p>
<ul>
<li><a href="/chain">/chain</a>: the chain, as the tutorial serves it</li>
<li><a href="/pending_tx">/pending_tx</a>: pending posts</li>
<li><a href="/api/v1/status">/api/v1/status</a>: node status</li>
<li><a href="/api/docs">/api/docs</a>: the OpenAPI description of every endpoint</li>
</ul>
<p>Post with <code>curl -X POST -H 'Content-Type: application/json' -d '{"author":"me","content":"hello"}' http://127.0.0.1:8000/new_transaction</code>
and mine with <code>curl http://127.0.0.1:8000/mine</code>.</p>
</body>
</html>
`;
