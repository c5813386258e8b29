import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * A static security check of the Electron shell in the spirit of Electronegativity, built on the TypeScript
 * compiler API so it follows what a pattern scanner cannot: the BrowserWindow options built by a function in
 * another module (mainWindowOptions()), the webPreferences inside them, and whether a shell.openExternal call
 * sits behind a check of the URL it opens.
 */

export type Severity = 'high' | 'medium' | 'low';
export interface AstFinding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  message: string;
}

/** A finding the project accepts, with its reason (test/security/electron-accepted.json). */
export interface AcceptedFinding {
  rule: string;
  file: string;
  reason: string;
}

type Parsed = { file: string; sf: ts.SourceFile };

export function checkElectronShell(dir: string, root = dir): AstFinding[] {
  const files = readdirSync(dir).filter((f) => /\.(ts|tsx|mts|cts)$/.test(f) && !f.endsWith('.d.ts'));
  const parsed = files.map((f) => parse(path.join(dir, f)));
  const out: AstFinding[] = [];
  const add = (p: Parsed, node: ts.Node, rule: string, severity: Severity, message: string) =>
    out.push({
      rule,
      severity,
      file: path.relative(root, p.file).split(path.sep).join('/'),
      line: p.sf.getLineAndCharacterOfPosition(node.getStart(p.sf)).line + 1,
      message,
    });

  let windows = 0;
  let navigationGuard = false;
  let openGuard = false;
  for (const p of parsed) {
    const visit = (node: ts.Node): void => {
      // new BrowserWindow(options): resolve the options wherever they are built.
      if (ts.isNewExpression(node) && node.expression.getText(p.sf) === 'BrowserWindow') {
        windows++;
        const arg = node.arguments?.[0];
        const options = arg ? resolveObject(p, arg) : undefined;
        if (!options)
          add(
            p,
            node,
            'WINDOW_OPTIONS_UNRESOLVED',
            'high',
            'BrowserWindow options could not be traced to an object literal, so they cannot be checked',
          );
        else checkWebPreferences(options.p, options.obj, (n, rule, sev, msg) => add(options.p, n, rule, sev, msg));
      }
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        const [first, second] = node.arguments;
        if (
          method === 'on' &&
          first &&
          ts.isStringLiteralLike(first) &&
          first.text === 'will-navigate' &&
          second &&
          callsPreventDefault(second)
        )
          navigationGuard = true;
        if (method === 'setWindowOpenHandler' && first && returnsDeny(first)) openGuard = true;
        if (method === 'openExternal' && !guardedByCheckOf(node, p.sf))
          add(
            p,
            node,
            'OPEN_EXTERNAL_UNVALIDATED',
            'high',
            `shell.openExternal(${first?.getText(p.sf) ?? ''}) is not behind a check of that URL`,
          );
        if (method === 'enableBlinkFeatures' || method === 'openDevTools')
          add(
            p,
            node,
            method === 'openDevTools' ? 'DEVTOOLS_OPENED' : 'BLINK_FEATURES',
            'medium',
            `${method}() is called`,
          );
      }
      if (
        ts.isImportDeclaration(node) &&
        ts.isStringLiteral(node.moduleSpecifier) &&
        node.moduleSpecifier.text === '@electron/remote'
      )
        add(p, node, 'REMOTE_MODULE', 'high', 'the remote module is imported');
      if (
        ts.isCallExpression(node) &&
        node.expression.getText(p.sf) === 'require' &&
        node.arguments[0] &&
        ts.isStringLiteralLike(node.arguments[0]) &&
        node.arguments[0].text === '@electron/remote'
      )
        add(p, node, 'REMOTE_MODULE', 'high', 'the remote module is required');
      if (
        ts.isPropertyAccessExpression(node) &&
        node.name.text === 'remote' &&
        /^(electron|require\(['"]electron['"]\))$/.test(node.expression.getText(p.sf))
      )
        add(p, node, 'REMOTE_MODULE', 'high', 'electron.remote is used');
      if (
        ts.isImportSpecifier(node) &&
        (node.propertyName ?? node.name).text === 'remote' &&
        node.parent.parent.parent &&
        ts.isImportDeclaration(node.parent.parent.parent) &&
        (node.parent.parent.parent.moduleSpecifier as ts.StringLiteral).text === 'electron'
      )
        add(p, node, 'REMOTE_MODULE', 'high', "remote is imported from 'electron'");
      if (ts.isCallExpression(node) && /\.exposeInMainWorld$/.test(node.expression.getText(p.sf)))
        add(p, node, 'PRELOAD_BRIDGE_REVIEW', 'low', 'a preload exposes an API to the page: review what it grants');
      ts.forEachChild(node, visit);
    };
    visit(p.sf);
  }
  const anyFile = parsed[0];
  if (windows > 0 && anyFile && !navigationGuard)
    add(
      anyFile,
      anyFile.sf,
      'NAVIGATION_GUARD_MISSING',
      'high',
      "no 'will-navigate' handler that calls preventDefault()",
    );
  if (windows > 0 && anyFile && !openGuard)
    add(
      anyFile,
      anyFile.sf,
      'WINDOW_OPEN_GUARD_MISSING',
      'high',
      "no setWindowOpenHandler that returns { action: 'deny' }",
    );
  return out;
}

/** Findings not covered by an accepted entry (same rule and file). */
export function unaccepted(findings: AstFinding[], accepted: AcceptedFinding[]): AstFinding[] {
  return findings.filter(
    (f) => !accepted.some((a) => a.rule === f.rule && a.file === f.file && a.reason.trim().length > 0),
  );
}

type Report = (node: ts.Node, rule: string, severity: Severity, message: string) => void;

const REQUIRED: Array<{ key: string; want: boolean; severity: Severity }> = [
  { key: 'contextIsolation', want: true, severity: 'high' },
  { key: 'sandbox', want: true, severity: 'high' },
  { key: 'nodeIntegration', want: false, severity: 'high' },
];
const FORBIDDEN_TRUE: Array<{ key: string; severity: Severity }> = [
  { key: 'nodeIntegrationInWorker', severity: 'high' },
  { key: 'nodeIntegrationInSubFrames', severity: 'high' },
  { key: 'enableRemoteModule', severity: 'high' },
  { key: 'experimentalFeatures', severity: 'medium' },
  { key: 'webviewTag', severity: 'medium' },
  { key: 'devTools', severity: 'medium' },
];

function checkWebPreferences(p: Parsed, options: ts.ObjectLiteralExpression, report: Report): void {
  const prefsNode = prop(options, 'webPreferences');
  const prefs = prefsNode ? resolveObject(p, prefsNode) : undefined;
  if (!prefs)
    return report(
      options,
      'WEB_PREFERENCES_UNRESOLVED',
      'high',
      'webPreferences are missing or cannot be traced to an object literal',
    );
  const obj = prefs.obj;
  const at = (n: ts.Node | undefined) => n ?? obj;
  for (const r of REQUIRED) {
    const v = prop(obj, r.key);
    const lit = literal(v);
    // These three must be spelled out: an Electron upgrade or a refactor must not change them silently.
    if (lit !== r.want)
      report(
        at(v),
        `${r.key.toUpperCase()}_NOT_${String(r.want).toUpperCase()}`,
        r.severity,
        `webPreferences.${r.key} must be the literal ${r.want} (found ${v ? v.getText(prefs.p.sf) : 'nothing'})`,
      );
  }
  const webSecurity = prop(obj, 'webSecurity');
  if (webSecurity && literal(webSecurity) !== true)
    report(
      webSecurity,
      'WEB_SECURITY_DISABLED',
      'high',
      `webPreferences.webSecurity is ${webSecurity.getText(prefs.p.sf)}`,
    );
  const insecure = prop(obj, 'allowRunningInsecureContent');
  if (insecure && literal(insecure) !== false)
    report(
      insecure,
      'INSECURE_CONTENT_ALLOWED',
      'high',
      `webPreferences.allowRunningInsecureContent is ${insecure.getText(prefs.p.sf)}`,
    );
  if (prop(obj, 'enableBlinkFeatures'))
    report(prop(obj, 'enableBlinkFeatures')!, 'BLINK_FEATURES', 'medium', 'webPreferences.enableBlinkFeatures is set');
  for (const r of FORBIDDEN_TRUE) {
    const v = prop(obj, r.key);
    if (v && literal(v) === true) report(v, `${r.key.toUpperCase()}_ON`, r.severity, `webPreferences.${r.key} is true`);
  }
}

/** The expression of a property of an object literal (shorthand included). */
function prop(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && propName(p.name) === name) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
  }
  return undefined;
}
const propName = (n: ts.PropertyName) => (ts.isIdentifier(n) || ts.isStringLiteral(n) ? n.text : undefined);
const literal = (e: ts.Expression | undefined) =>
  !e
    ? undefined
    : e.kind === ts.SyntaxKind.TrueKeyword
      ? true
      : e.kind === ts.SyntaxKind.FalseKeyword
        ? false
        : undefined;

/**
 * Follows an expression to the object literal it stands for: a literal, a local const, or a call of a function
 * (local or imported from a relative module) whose returned value is one.
 */
function resolveObject(
  p: Parsed,
  e: ts.Expression,
  depth = 0,
): { p: Parsed; obj: ts.ObjectLiteralExpression } | undefined {
  if (depth > 5) return undefined;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  if (ts.isObjectLiteralExpression(e)) return { p, obj: e };
  if (ts.isIdentifier(e)) {
    const decl = findDeclaration(p, e.text);
    if (decl && ts.isVariableDeclaration(decl.node) && decl.node.initializer)
      return resolveObject(decl.p, decl.node.initializer, depth + 1);
    return undefined;
  }
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) {
    const decl = findDeclaration(p, e.expression.text);
    if (!decl) return undefined;
    const fn = decl.node;
    const body = ts.isFunctionDeclaration(fn)
      ? fn.body
      : ts.isVariableDeclaration(fn) &&
          fn.initializer &&
          (ts.isArrowFunction(fn.initializer) || ts.isFunctionExpression(fn.initializer))
        ? fn.initializer.body
        : undefined;
    if (!body) return undefined;
    if (!ts.isBlock(body)) return resolveObject(decl.p, body, depth + 1);
    let found: { p: Parsed; obj: ts.ObjectLiteralExpression } | undefined;
    const visit = (n: ts.Node): void => {
      if (ts.isReturnStatement(n) && n.expression) found ??= resolveObject(decl.p, n.expression, depth + 1);
      if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
    };
    ts.forEachChild(body, visit);
    return found;
  }
  return undefined;
}

/** A top-level function or variable of this module, or of the relative module it is imported from. */
function findDeclaration(p: Parsed, name: string): { p: Parsed; node: ts.Node } | undefined {
  for (const s of p.sf.statements) {
    if (ts.isFunctionDeclaration(s) && s.name?.text === name) return { p, node: s };
    if (ts.isVariableStatement(s))
      for (const d of s.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.name.text === name) return { p, node: d };
    if (
      ts.isImportDeclaration(s) &&
      ts.isStringLiteral(s.moduleSpecifier) &&
      s.moduleSpecifier.text.startsWith('.') &&
      s.importClause?.namedBindings &&
      ts.isNamedImports(s.importClause.namedBindings)
    ) {
      const spec = s.importClause.namedBindings.elements.find((el) => el.name.text === name);
      if (!spec) continue;
      const target = path.resolve(path.dirname(p.file), s.moduleSpecifier.text.replace(/\.(m|c)?js$/, '.$1ts'));
      let other: Parsed;
      try {
        other = parse(target);
      } catch {
        return undefined;
      }
      return findDeclaration(other, (spec.propertyName ?? spec.name).text);
    }
  }
  return undefined;
}

function parse(file: string): Parsed {
  return {
    file,
    sf: ts.createSourceFile(
      file,
      readFileSync(file, 'utf8'),
      ts.ScriptTarget.ES2022,
      true,
      file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    ),
  };
}

/** A function (inline) whose body calls preventDefault() on something. */
function callsPreventDefault(fn: ts.Expression): boolean {
  let yes = false;
  const visit = (n: ts.Node): void => {
    if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      n.expression.name.text === 'preventDefault'
    )
      yes = true;
    ts.forEachChild(n, visit);
  };
  visit(fn);
  return yes && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn));
}

/** A window-open handler that returns { action: 'deny' } on some path and never { action: 'allow' }. */
function returnsDeny(fn: ts.Expression): boolean {
  let deny = false;
  let allow = false;
  const visit = (n: ts.Node): void => {
    if (ts.isObjectLiteralExpression(n)) {
      const a = prop(n, 'action');
      if (a && ts.isStringLiteralLike(a)) {
        if (a.text === 'deny') deny = true;
        else if (a.text === 'allow') allow = true;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(fn);
  return deny && !allow;
}

/**
 * True when the call sits in the true branch of an if, a && or a ?: whose condition calls a function on the very
 * expression that is opened (isSafeExternalUrl(url) ... shell.openExternal(url)).
 */
function guardedByCheckOf(call: ts.CallExpression, sf: ts.SourceFile): boolean {
  const target = call.arguments[0]?.getText(sf);
  if (!target) return false;
  const checks = (cond: ts.Expression): boolean => {
    let ok = false;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && n !== call && n.arguments.some((a) => a.getText(sf) === target)) ok = true;
      ts.forEachChild(n, visit);
    };
    visit(cond);
    return ok;
  };
  let child: ts.Node = call;
  for (let n = call.parent; n && !ts.isSourceFile(n); child = n, n = n.parent) {
    if (ts.isIfStatement(n) && n.thenStatement === child && checks(n.expression)) return true;
    if (ts.isConditionalExpression(n) && n.whenTrue === child && checks(n.condition)) return true;
    if (
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken &&
      n.right === child &&
      checks(n.left)
    )
      return true;
    if (ts.isFunctionLike(n)) break;
  }
  return false;
}
