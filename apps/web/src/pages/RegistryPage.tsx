/**
 * The industrialization registry: enterprises and products with search and paging, and the writes
 * each role may make — the regulator registers enterprises, grants licences, orders recalls, awards
 * brand titles and designates demonstration zones; an enterprise registers its products, lines and
 * markets and announces recalls.
 */
import { industrialization as contract } from '@qi/contracts'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { useAuth } from '../auth'
import { CommandForm, type Option } from '../components/CommandForm'
import { DataTable } from '../components/DataTable'
import { ListTools, useListState } from '../components/ListTools'
import {
  type EnterpriseItem,
  type ProductItem,
  useEnterpriseSource,
  useLicenceSource,
  useProductSource,
} from '../components/picker-sources'
import { PageHeader, QueryView } from '../components/ui'
import { useI18n } from '../i18n/context'
import { useTRPC, useTRPCClient } from '../trpc'

const INDUSTRIES = ['automotive', 'petrochemical', 'equipment', 'food', 'textile', 'metallurgy', 'other']

function RegulatorForms() {
  const { t, term } = useI18n()
  const client = useTRPCClient()
  const enterprises = useEnterpriseSource()
  const products = useProductSource()
  const licences = useLicenceSource()
  const industries = INDUSTRIES.map((v) => ({ value: v, label: term(v) }))
  return (
    <div className="grid-2">
      <CommandForm
        id="enterprise-register"
        title={t('registry.registerEnterprise')}
        schema={contract.RegisterEnterprise}
        fields={[
          { path: 'enterpriseId', label: 'registry.creditCode', placeholder: '91420100MA4K0XXXXX' },
          { path: 'name', label: 'registry.enterpriseName' },
          { path: 'region', label: 'registry.region', initial: '湖北省' },
          { path: 'industry', label: 'registry.industry', kind: 'select', options: industries },
        ]}
        run={(input) => client.industrialization.registerEnterprise.mutate(input as never)}
        submitLabel={t('registry.registerEnterprise')}
        done={(input) => t('registry.enterpriseRegistered', { name: String(input.name) })}
      />
      <CommandForm
        id="licence-grant"
        title={t('registry.grantLicence')}
        schema={contract.GrantProductionLicence}
        fields={[
          {
            path: 'enterpriseId',
            label: 'registry.enterprise',
            kind: 'select',
            source: enterprises,
          },
          { path: 'licenceNo', label: 'registry.licenceNo' },
          { path: 'productCategory', label: 'registry.productCategory' },
          {
            path: 'procedure',
            label: 'registry.procedure',
            kind: 'select',
            options: contract.LicenceProcedure.options.map((v) => ({ value: v, label: term(v) })),
          },
          { path: 'grantedOn', label: 'registry.grantedOn', kind: 'date' },
          { path: 'expiresOn', label: 'registry.expiresOn', placeholder: 'YYYY-MM-DD' },
        ]}
        run={(input) => client.industrialization.grantProductionLicence.mutate(input as never)}
        submitLabel={t('registry.grantLicence')}
        done={(input) => t('registry.licenceGranted', { no: String(input.licenceNo) })}
      />
      <CommandForm
        id="recall"
        title={t('registry.recall')}
        schema={contract.RecallProduct}
        fields={[
          { path: 'productId', label: 'portal.productName', kind: 'select', source: products },
          {
            path: 'enterpriseId',
            label: 'registry.enterprise',
            kind: 'select',
            source: enterprises,
          },
          { path: 'recallId', label: 'registry.recallId' },
          { path: 'batches', label: 'registry.batches', kind: 'list', optional: true },
          { path: 'reason', label: 'certs.reason', kind: 'textarea' },
          { path: 'announcedOn', label: 'registry.announcedOn', kind: 'date' },
          { path: 'ordered', label: 'registry.ordered', kind: 'checkbox', initial: 'true' },
        ]}
        run={(input) => client.industrialization.recallProduct.mutate(input as never)}
        submitLabel={t('registry.recall')}
        done={(input) => t('registry.recalled', { id: String(input.recallId) })}
      />
      <CommandForm
        id="licence-revoke"
        title={t('registry.revokeLicence')}
        schema={contract.RevokeProductionLicence}
        fields={[
          { path: 'licenceNo', label: 'registry.licenceNo', kind: 'select', source: licences },
          { path: 'on', label: 'labs.on', kind: 'date' },
          { path: 'reason', label: 'certs.reason', kind: 'textarea' },
        ]}
        run={(input) => client.industrialization.revokeProductionLicence.mutate(input as never)}
        submitLabel={t('registry.revokeLicence')}
        done={() => t('common.saved')}
      />
      <CommandForm
        id="brand"
        title={t('registry.awardBrand')}
        schema={contract.AwardBrandTitle}
        fields={[
          {
            path: 'enterpriseId',
            label: 'registry.enterprise',
            kind: 'select',
            source: enterprises,
          },
          {
            path: 'productId',
            label: 'portal.productName',
            kind: 'select',
            source: products,
            optional: true,
          },
          { path: 'year', label: 'registry.year', kind: 'number', initial: String(new Date().getFullYear()) },
          { path: 'awardedOn', label: 'registry.awardedOn', kind: 'date' },
        ]}
        run={(input) => client.industrialization.awardBrandTitle.mutate(input as never)}
        submitLabel={t('registry.awardBrand')}
        done={() => t('common.saved')}
      />
      <CommandForm
        id="zone"
        title={t('registry.designateZone')}
        schema={contract.DesignateDemoZone}
        fields={[
          { path: 'zoneId', label: 'registry.zoneId' },
          { path: 'name', label: 'registry.zoneName' },
          {
            path: 'level',
            label: 'registry.level',
            kind: 'select',
            options: contract.DemoZoneLevel.options.map((v) => ({ value: v, label: term(v) })),
          },
          { path: 'designatedOn', label: 'registry.designatedOn', kind: 'date' },
        ]}
        run={(input) => client.industrialization.designateDemoZone.mutate(input as never)}
        submitLabel={t('registry.designateZone')}
        done={() => t('common.saved')}
      />
    </div>
  )
}

function EnterpriseForms({ enterpriseId }: { enterpriseId: string }) {
  const { t, term } = useI18n()
  const client = useTRPCClient()
  const trpc = useTRPC()
  const products = useProductSource(enterpriseId)
  const lines = useQuery(trpc.industrialization.getEnterprise.queryOptions({ enterpriseId }))
  const lineOptions: Option[] = (
    (lines.data as { lines?: Array<{ lineId: string; name: string }> } | undefined)?.lines ?? []
  ).map((l) => ({ value: l.lineId, label: `${l.name} · ${l.lineId}` }))
  const industries = INDUSTRIES.map((v) => ({ value: v, label: term(v) }))
  return (
    <div className="grid-2">
      <CommandForm
        id="product-register"
        title={t('registry.registerProduct')}
        schema={contract.RegisterProduct}
        fixed={{ enterpriseId }}
        fields={[
          { path: 'productId', label: 'portal.productId' },
          { path: 'name', label: 'portal.productName' },
          { path: 'model', label: 'portal.model' },
          { path: 'industry', label: 'registry.industry', kind: 'select', options: industries },
          { path: 'gs1', label: 'registry.gs1', optional: true },
          { path: 'standards', label: 'certs.standards', kind: 'standards', placeholder: 'GB 4706.1-2005' },
        ]}
        run={(input) => client.industrialization.registerProduct.mutate(input as never)}
        submitLabel={t('registry.registerProduct')}
        done={(input) => (
          <>
            {t('registry.productRegistered', { name: String(input.name) })}{' '}
            <Link to={`/lineage?kind=product&id=${encodeURIComponent(String(input.productId))}`}>
              {t('nav.lineage')}
            </Link>
          </>
        )}
      />
      <CommandForm
        id="line-register"
        title={t('registry.registerLine')}
        schema={contract.RegisterProductionLine}
        fixed={{ enterpriseId }}
        fields={[
          { path: 'lineId', label: 'registry.lineId' },
          { path: 'name', label: 'registry.lineName' },
          { path: 'location', label: 'registry.location' },
        ]}
        run={(input) => client.industrialization.registerProductionLine.mutate(input as never)}
        submitLabel={t('registry.registerLine')}
        done={() => t('common.saved')}
      />
      <CommandForm
        id="market"
        title={t('registry.declareMarket')}
        schema={contract.DeclareProductMarket}
        fields={[
          { path: 'productId', label: 'portal.productName', kind: 'select', source: products },
          {
            path: 'market',
            label: 'registry.market',
            kind: 'select',
            options: contract.Market.options.map((v) => ({ value: v, label: term(v) })),
          },
          { path: 'lineId', label: 'registry.line', kind: 'select', options: lineOptions },
          { path: 'standards', label: 'certs.standards', kind: 'standards', placeholder: 'GB 4706.1-2005' },
          { path: 'destination', label: 'registry.destination', optional: true },
          { path: 'declaredOn', label: 'registry.declaredOn', kind: 'date' },
        ]}
        run={(input) => client.industrialization.declareProductMarket.mutate(input as never)}
        submitLabel={t('registry.declareMarket')}
        done={() => t('common.saved')}
      />
      <CommandForm
        id="recall"
        title={t('registry.recall')}
        schema={contract.RecallProduct}
        fixed={{ enterpriseId, ordered: false }}
        fields={[
          { path: 'productId', label: 'portal.productName', kind: 'select', source: products },
          { path: 'recallId', label: 'registry.recallId' },
          { path: 'batches', label: 'registry.batches', kind: 'list', optional: true },
          { path: 'reason', label: 'certs.reason', kind: 'textarea' },
          { path: 'announcedOn', label: 'registry.announcedOn', kind: 'date' },
        ]}
        run={(input) => client.industrialization.recallProduct.mutate(input as never)}
        submitLabel={t('registry.recall')}
        done={(input) => t('registry.recalled', { id: String(input.recallId) })}
      />
    </div>
  )
}

function EnterpriseList() {
  const { t, term } = useI18n()
  const trpc = useTRPC()
  const list = useListState('enterprises')
  const query = useQuery({
    ...trpc.industrialization.listEnterprises.queryOptions({
      search: list.search || undefined,
      limit: list.limit,
      offset: list.offset,
    }),
    placeholderData: keepPreviousData,
  })
  return (
    <section className="card">
      <h2>{t('registry.enterprises')}</h2>
      <ListTools
        list={list}
        total={query.data?.total}
        csv={() =>
          (query.data?.items ?? []).map((e) => ({
            id: e.enterpriseId,
            name: e.name,
            region: e.region,
            industry: e.industry,
          }))
        }
      />
      <QueryView query={query} isEmpty={(data) => data.items.length === 0}>
        {(data) => (
          <DataTable<EnterpriseItem>
            testId="enterprise-table"
            rows={data.items}
            rowKey={(e) => e.enterpriseId}
            columns={[
              { header: t('registry.creditCode'), cell: (e) => e.enterpriseId },
              { header: t('registry.enterpriseName'), cell: (e) => e.name },
              { header: t('registry.region'), cell: (e) => e.region },
              { header: t('registry.industry'), cell: (e) => term(e.industry) },
            ]}
          />
        )}
      </QueryView>
    </section>
  )
}

function ProductList({ enterpriseId }: { enterpriseId?: string }) {
  const { t, term } = useI18n()
  const trpc = useTRPC()
  const list = useListState('products')
  const query = useQuery({
    ...trpc.industrialization.listProducts.queryOptions({
      enterpriseId,
      search: list.search || undefined,
      limit: list.limit,
      offset: list.offset,
    }),
    placeholderData: keepPreviousData,
  })
  return (
    <section className="card">
      <h2>{t('registry.products')}</h2>
      <ListTools
        list={list}
        total={query.data?.total}
        csv={() =>
          (query.data?.items ?? []).map((p) => ({
            product: p.productId,
            name: p.name,
            model: p.model,
            enterprise: p.enterpriseId,
            industry: p.industry,
            standards: p.standards.map((ref) => `${ref.code}-${ref.version}`),
          }))
        }
      />
      <QueryView query={query} isEmpty={(data) => data.items.length === 0}>
        {(data) => (
          <DataTable<ProductItem>
            testId="product-table"
            rows={data.items}
            rowKey={(p) => p.productId}
            columns={[
              {
                header: t('portal.productId'),
                cell: (p) => (
                  <Link to={`/lineage?kind=product&id=${encodeURIComponent(p.productId)}`}>
                    {p.productId}
                  </Link>
                ),
              },
              { header: t('portal.productName'), cell: (p) => p.name },
              { header: t('portal.model'), cell: (p) => p.model },
              { header: t('registry.industry'), cell: (p) => term(p.industry) },
              {
                header: t('certs.standards'),
                cell: (p) => p.standards.map((ref) => `${ref.code}-${ref.version}`).join(', '),
              },
            ]}
          />
        )}
      </QueryView>
    </section>
  )
}

export function RegistryPage() {
  const { t } = useI18n()
  const { actor } = useAuth()
  const role = actor?.role
  return (
    <>
      <PageHeader title={t('registry.title')} />
      {role === 'regulator' || role === 'admin' ? <RegulatorForms /> : null}
      {role === 'enterprise' && actor ? <EnterpriseForms enterpriseId={actor.org} /> : null}
      <ProductList enterpriseId={role === 'enterprise' ? actor?.org : undefined} />
      <EnterpriseList />
    </>
  )
}
