/**
 * IAM: the query protocol (form-encoded `Action=...&Version=2010-05-08`),
 * answers in XML. Policy documents come back URL-encoded, as IAM sends them.
 */
import { FakeError, type FakeRequest, type Reply, type ServiceContext } from './index';

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function xml(action: string, result: string): Reply {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></${action}Response>`,
  };
}

export function handleIam(r: FakeRequest, ctx: ServiceContext): Reply {
  const form = new URLSearchParams(r.body);
  const action = form.get('Action') ?? '';
  const input: Record<string, unknown> = {};
  for (const [k, v] of form) if (k !== 'Action' && k !== 'Version') input[k] = v;
  ctx.record(action, input);
  const s = ctx.state;
  const name = form.get('RoleName') ?? '';
  const role = s.roles.get(name);
  const roleXml = (x: NonNullable<typeof role>): string =>
    `<Role><Path>/</Path><RoleName>${esc(x.name)}</RoleName><RoleId>AROAFAKE${esc(x.name.length.toString())}</RoleId><Arn>${esc(
      x.arn,
    )}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${esc(
      encodeURIComponent(x.trust),
    )}</AssumeRolePolicyDocument></Role>`;
  try {
    if (action === 'CreateRole') {
      if (role) throw new FakeError(409, 'EntityAlreadyExists', `Role with name ${name} already exists.`);
      const x = {
        arn: `arn:aws:iam::${s.accountId}:role/${name}`,
        name,
        trust: form.get('AssumeRolePolicyDocument') ?? '',
        inline: new Map<string, string>(),
        attached: [],
      };
      s.roles.set(name, x);
      return xml(action, roleXml(x));
    }
    if (!role) throw new FakeError(404, 'NoSuchEntity', `The role with name ${name} cannot be found.`);
    switch (action) {
      case 'GetRole':
        return xml(action, roleXml(role));
      case 'UpdateAssumeRolePolicy':
        role.trust = form.get('PolicyDocument') ?? '';
        return xml(action, '');
      case 'PutRolePolicy':
        role.inline.set(form.get('PolicyName') ?? '', form.get('PolicyDocument') ?? '');
        return xml(action, '');
      case 'GetRolePolicy': {
        const p = form.get('PolicyName') ?? '';
        const doc = role.inline.get(p);
        if (doc === undefined)
          throw new FakeError(404, 'NoSuchEntity', `The role policy with name ${p} cannot be found.`);
        return xml(
          action,
          `<RoleName>${esc(name)}</RoleName><PolicyName>${esc(p)}</PolicyName><PolicyDocument>${esc(
            encodeURIComponent(doc),
          )}</PolicyDocument>`,
        );
      }
      case 'AttachRolePolicy': {
        const arn = form.get('PolicyArn') ?? '';
        if (!role.attached.includes(arn)) role.attached.push(arn);
        return xml(action, '');
      }
      case 'ListAttachedRolePolicies':
        return xml(
          action,
          `<AttachedPolicies>${role.attached
            .map(
              (a) =>
                `<member><PolicyName>${esc(a.split('/').pop() ?? a)}</PolicyName><PolicyArn>${esc(a)}</PolicyArn></member>`,
            )
            .join('')}</AttachedPolicies><IsTruncated>false</IsTruncated>`,
        );
      default:
        throw new FakeError(400, 'InvalidAction', `fake iam: no action ${action}`);
    }
  } catch (err) {
    if (!(err instanceof FakeError)) throw err;
    return {
      status: err.status,
      headers: { 'content-type': 'text/xml' },
      body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${err.code}</Code><Message>${esc(
        err.message,
      )}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
    };
  }
}
