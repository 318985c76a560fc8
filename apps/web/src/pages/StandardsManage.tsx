/**
 * The standardization institute's writes on the catalogue: draft, publish, supersede, amend,
 * withdraw, adopt an international standard, establish a technical committee — each standard picked
 * from the catalogue (searched and paged on the server).
 */
import { standards as contract } from '@qi/contracts'
import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { CommandForm, type Option } from '../components/CommandForm'
import { useStandardSource } from '../components/picker-sources'
import { useI18n } from '../i18n/context'
import { useTRPC, useTRPCClient } from '../trpc'
import { standardPath } from './StandardsPage'

const linkTo = (input: Record<string, unknown>, text: string) => (
  <>
    {text}{' '}
    <Link
      to={standardPath(String(input.code), String(input.version))}
    >{`${input.code}-${input.version}`}</Link>
  </>
)

export function StandardsManage() {
  const { t, term } = useI18n()
  const client = useTRPCClient()
  const trpc = useTRPC()
  const drafts = useStandardSource('draft')
  const current = useStandardSource()
  const tcs = useQuery(trpc.standards.tcs.queryOptions())
  const tcOptions: Option[] = ((tcs.data ?? []) as Array<{ tcId: string; name: string }>).map((tc) => ({
    value: tc.tcId,
    label: `${tc.tcId} ${tc.name}`,
  }))
  return (
    <div className="grid-2" data-testid="standards-manage">
      <CommandForm
        id="std-draft"
        title={t('stdm.draft')}
        schema={contract.DraftStandard}
        fields={[
          { path: 'code', label: 'standards.code', placeholder: 'DB42/T 1234' },
          { path: 'version', label: 'portal.standardVersion', placeholder: '2026' },
          { path: 'titleZh', label: 'stdm.titleZh' },
          { path: 'titleEn', label: 'stdm.titleEn', optional: true },
          { path: 'ics', label: 'stdm.ics', kind: 'list', placeholder: '97.040.50' },
          { path: 'ccs', label: 'stdm.ccs', optional: true, placeholder: 'Y62' },
          {
            path: 'technicalCommittee',
            label: 'standards.tc',
            kind: 'select',
            options: tcOptions,
            optional: true,
          },
          { path: 'ledByProvince', label: 'standards.ledByProvince', kind: 'checkbox' },
          { path: 'replaces', label: 'stdm.replaces', kind: 'ref', source: current, optional: true },
        ]}
        run={(input) => client.standards.draft.mutate(input as never)}
        submitLabel={t('stdm.draft')}
        done={(input) => linkTo(input, t('stdm.drafted'))}
      />
      <CommandForm
        id="std-publish"
        title={t('stdm.publish')}
        schema={contract.PublishStandard}
        fields={[
          { path: 'key', label: 'stdm.draftToPublish', kind: 'ref', spread: true, source: drafts },
          { path: 'publishedOn', label: 'standards.publishedOn', kind: 'date' },
          { path: 'effectiveFrom', label: 'standards.effectiveFrom', kind: 'date' },
        ]}
        run={(input) => client.standards.publish.mutate(input as never)}
        submitLabel={t('stdm.publish')}
        done={(input) => linkTo(input, t('stdm.published'))}
      />
      <CommandForm
        id="std-supersede"
        title={t('stdm.supersede')}
        schema={contract.SupersedeStandard}
        fields={[
          { path: 'key', label: 'stdm.oldVersion', kind: 'ref', spread: true, source: current },
          { path: 'replacedBy', label: 'stdm.newVersion', kind: 'ref', source: current },
          { path: 'supersededOn', label: 'standards.supersededOn', kind: 'date' },
          { path: 'transitionEndsOn', label: 'standards.transitionEndsOn', placeholder: 'YYYY-MM-DD' },
        ]}
        run={(input) => client.standards.supersede.mutate(input as never)}
        submitLabel={t('stdm.supersede')}
        done={(input) => linkTo(input, t('stdm.superseded'))}
      />
      <CommandForm
        id="std-amend"
        title={t('stdm.amend')}
        schema={contract.AmendStandard}
        fields={[
          { path: 'key', label: 'stdm.edition', kind: 'ref', spread: true, source: current },
          { path: 'summary', label: 'stdm.amendSummary', kind: 'textarea' },
          { path: 'effectiveFrom', label: 'standards.effectiveFrom', kind: 'date' },
        ]}
        run={(input) => client.standards.amend.mutate(input as never)}
        submitLabel={t('stdm.amend')}
        done={(input) => linkTo(input, t('stdm.amended'))}
      />
      <CommandForm
        id="std-withdraw"
        title={t('stdm.withdraw')}
        schema={contract.WithdrawStandard}
        fields={[
          { path: 'key', label: 'stdm.edition', kind: 'ref', spread: true, source: current },
          { path: 'withdrawnOn', label: 'standards.withdrawnOn', kind: 'date', optional: true },
          { path: 'reason', label: 'certs.reason', kind: 'textarea' },
        ]}
        run={(input) => client.standards.withdraw.mutate(input as never)}
        submitLabel={t('stdm.withdraw')}
        done={(input) => linkTo(input, t('stdm.withdrawn'))}
      />
      <CommandForm
        id="std-adopt"
        title={t('stdm.adopt')}
        schema={contract.AdoptInternationalStandard}
        fields={[
          { path: 'key', label: 'standards.code', kind: 'ref', spread: true, source: current },
          {
            path: 'international',
            label: 'stdm.international',
            kind: 'standard',
            placeholder: 'IEC 60335-1-2020',
          },
          {
            path: 'degree',
            label: 'stdm.degree',
            kind: 'select',
            options: contract.AdoptionDegree.options.map((v) => ({
              value: v,
              label: `${v} · ${term(`adoption.${v}`)}`,
            })),
          },
        ]}
        run={(input) => client.standards.adoptInternational.mutate(input as never)}
        submitLabel={t('stdm.adopt')}
        done={(input) => linkTo(input, t('common.saved'))}
      />
      <CommandForm
        id="std-tc"
        title={t('stdm.tc')}
        schema={contract.EstablishTechnicalCommittee}
        fields={[
          { path: 'tcId', label: 'stdm.tcId', placeholder: 'HB/TC 99' },
          { path: 'name', label: 'stdm.tcName' },
          {
            path: 'level',
            label: 'registry.level',
            kind: 'select',
            options: contract.TcLevel.options.map((v) => ({ value: v, label: term(v) })),
          },
          { path: 'establishedOn', label: 'stdm.establishedOn', kind: 'date' },
        ]}
        run={(input) => client.standards.establishTc.mutate(input as never)}
        submitLabel={t('stdm.tc')}
        done={() => t('common.saved')}
      />
    </div>
  )
}
