const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The local issuer's sign-in page (Cognito's managed login on AWS): labelled fields and one
 * button, so a person, a screen reader and a browser test find them by role and name.
 */
export function loginPage(hidden: Record<string, string>, opts: { error?: string; newPassword?: boolean } = {}): string {
  const inputs = Object.entries(hidden)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('\n      ');
  const fields = opts.newPassword
    ? `<p>This is your first sign-in: choose your own password (at least 12 characters).</p>
      <label for="newPassword">New password</label>
      <input id="newPassword" name="newPassword" type="password" autocomplete="new-password" required minlength="12">`
    : `<label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required autofocus>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in to Recoup</title>
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}label{display:block;margin-top:1rem}input:not([type=hidden]){width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1.5rem;padding:.6rem 1.2rem}[role=alert]{color:#a00000}</style>
</head>
<body>
  <main>
    <h1>Sign in to Recoup</h1>
    ${opts.error ? `<p role="alert">${esc(opts.error)}</p>` : ''}
    <form method="post" action="/login">
      ${inputs}
      ${fields}
      <button type="submit">${opts.newPassword ? 'Set password and sign in' : 'Sign in'}</button>
    </form>
  </main>
</body>
</html>`;
}
