/**
 * The API's paged lists as picker sources: each asks one list query for a page of matches (search
 * folded on the server) and words its options. Products, enterprises (also a lab's customers),
 * standards with their version and status, a lab's own current scope lines (its methods), its
 * instruments with their calibration state, labs, licences, reports and certificates.
 */
import { useMemo } from 'react'
import { useI18n } from '../i18n/context'
import { type RouterInputs, type RouterOutputs, useTRPCClient } from '../trpc'
import type { PickerSource } from './Picker'

export type ProductItem = RouterOutputs['industrialization']['listProducts']['items'][number]
export type EnterpriseItem = RouterOutputs['industrialization']['listEnterprises']['items'][number]
export type ScopeItem = RouterOutputs['accreditation']['listScope']['items'][number]
export type ReportItem = RouterOutputs['testing']['listReports']['items'][number]
type StandardStatus = NonNullable<RouterInputs['standards']['list']['status']>
type CertificateStatus = NonNullable<RouterInputs['certification']['list']['status']>

export function useProductSource(enterpriseId?: string): PickerSource {
  const client = useTRPCClient()
  return useMemo(
    () => ({
      key: ['products', enterpriseId ?? null],
      fetch: async (page) => {
        const data = await client.industrialization.listProducts.query({ enterpriseId, ...page })
        return {
          total: data.total,
          options: data.items.map((p) => ({
            value: p.productId,
            label: `${p.name} ${p.model} · ${p.productId}`,
            data: p,
          })),
        }
      },
    }),
    [client, enterpriseId],
  )
}

/** Enterprises by name or credit code; a lab's customers are enterprises too. */
export function useEnterpriseSource(): PickerSource {
  const client = useTRPCClient()
  return useMemo(
    () => ({
      key: ['enterprises'],
      fetch: async (page) => {
        const data = await client.industrialization.listEnterprises.query(page)
        return {
          total: data.total,
          options: data.items.map((e) => ({
            value: e.enterpriseId,
            label: `${e.name} · ${e.enterpriseId}`,
            data: e,
          })),
        }
      },
    }),
    [client],
  )
}

/**
 * Editions of standards; the value is JSON (a `ref` field): `{"code","version"}`, or for a test
 * method `{"standardCode","standardVersion"}` (its clause is a field of its own).
 */
export function useStandardSource(status?: StandardStatus, shape: 'ref' | 'method' = 'ref'): PickerSource {
  const client = useTRPCClient()
  const { term } = useI18n()
  return useMemo(
    () => ({
      key: ['standards', status ?? null, shape],
      fetch: async (page) => {
        const data = await client.standards.list.query({ status, ...page })
        return {
          total: data.total,
          options: data.items.map((s) => ({
            value: JSON.stringify(
              shape === 'ref'
                ? { code: s.code, version: s.version }
                : { standardCode: s.code, standardVersion: s.version },
            ),
            label: `${s.key} ${s.titleZh ?? s.titleEn ?? ''} · ${term(s.status)}`,
            data: s,
          })),
        }
      },
    }),
    [client, status, shape, term],
  )
}

/** The methods a lab may report on: its own current scope lines. */
export function useScopeSource(labId: string): PickerSource {
  const client = useTRPCClient()
  return useMemo(
    () => ({
      key: ['scope', labId],
      fetch: async (page) => {
        const data = await client.accreditation.listScope.query({ labId, ...page })
        return {
          total: data.total,
          options: data.items.map((line) => ({
            value: line.lineId,
            label: `${line.method.standardCode}-${line.method.standardVersion} §${line.method.clause} · ${line.object} · ${line.parameter}`,
            data: line,
          })),
        }
      },
    }),
    [client, labId],
  )
}

/** A lab's instruments with their calibration state (and due date). */
export function useInstrumentSource(ownerLabId?: string): PickerSource {
  const client = useTRPCClient()
  const { t, term } = useI18n()
  return useMemo(
    () => ({
      key: ['instruments', ownerLabId ?? null],
      fetch: async (page) => {
        const data = await client.metrology.listInstruments.query({ ownerLabId, ...page })
        return {
          total: data.total,
          options: data.items.map((i) => ({
            value: i.instrumentId,
            label: `${i.instrumentId} ${i.name} · ${term(i.status)}${i.dueOn ? ` · ${t('home.dueOn', { date: i.dueOn })}` : ''}`,
            data: i,
          })),
        }
      },
    }),
    [client, ownerLabId, t, term],
  )
}

export function useLabSource(kind?: RouterInputs['accreditation']['listLabs']['kind']): PickerSource {
  const client = useTRPCClient()
  const { term } = useI18n()
  return useMemo(
    () => ({
      key: ['labs', kind ?? null],
      fetch: async (page) => {
        const data = await client.accreditation.listLabs.query({ kind, ...page })
        return {
          total: data.total,
          options: data.items.map((l) => ({
            value: l.labId,
            label: `${l.name} · ${l.labId} · ${term(l.status)}`,
            data: l,
          })),
        }
      },
    }),
    [client, kind, term],
  )
}

export function useReportSource(filter: {
  labId?: string
  status?: 'valid' | 'amended' | 'revoked'
}): PickerSource {
  const client = useTRPCClient()
  const { labId, status } = filter
  return useMemo(
    () => ({
      key: ['reports', labId ?? null, status ?? null],
      fetch: async (page) => {
        const data = await client.testing.listReports.query({ labId, status, ...page })
        return {
          total: data.total,
          options: data.items.map((r) => ({
            value: r.reportNo,
            label: `${r.reportNo} · ${r.productName} ${r.model} · ${r.labId}`,
            data: r,
          })),
        }
      },
    }),
    [client, labId, status],
  )
}

export function useCertificateSource(filter: { bodyId?: string; status?: CertificateStatus }): PickerSource {
  const client = useTRPCClient()
  const { term } = useI18n()
  const { bodyId, status } = filter
  return useMemo(
    () => ({
      key: ['certificates', bodyId ?? null, status ?? null],
      fetch: async (page) => {
        const data = await client.certification.list.query({ bodyId, status, sort: 'number', ...page })
        return {
          total: data.total,
          options: data.items.map((c) => ({
            value: c.certificateNo,
            label: `${c.certificateNo} · ${c.product.name} · ${term(c.status)}`,
            data: c,
          })),
        }
      },
    }),
    [client, bodyId, status, term],
  )
}

export function useLicenceSource(): PickerSource {
  const client = useTRPCClient()
  return useMemo(
    () => ({
      key: ['licences'],
      fetch: async (page) => {
        const data = await client.industrialization.listLicences.query(page)
        return {
          total: data.total,
          options: data.items.map((l) => ({
            value: l.licenceNo,
            label: `${l.licenceNo} · ${l.enterpriseName ?? l.enterpriseId} · ${l.productCategory}`,
            data: l,
          })),
        }
      },
    }),
    [client],
  )
}
