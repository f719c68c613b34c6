// A complete, valid §5.2 GatewayMsg body (caller fields + audit_info), shared by the domain and HTTP tests.
export interface AuditedBodyParts {
  paasid: string;
  query: Record<string, unknown>;
  vender: string;
  department: string;
  objectId: string;
  objectIdType?: string;
  extra?: Record<string, unknown>;
}

export function auditedBody(p: AuditedBodyParts): Record<string, any> {
  return {
    system_id: p.paasid,
    vender_id: p.vender,
    department_id: p.department,
    query_timestamp: "20250106100000",
    UID: "u-1001",
    query: p.query,
    audit_info: {
      operator_id: "op-7",
      operator_name: "陈晓华",
      query_object_id: p.objectId,
      query_object_id_type: p.objectIdType ?? "01",
      item_id: "item-1",
      item_code: "11440100696927671X3442011817001",
      item_sequence: "2025010600001",
      terminal_info: "10.20.30.40",
      query_timestamp: "2025-01-06 10:00:00",
    },
    ...p.extra,
  };
}
