#!/usr/bin/env bash
# CTest (bench_gen_data_test): bench/load/gen-data.sh, small, on databases migrated and seeded by the real
# `comptoir migrate` and `comptoir seed`, as `make loadtest` does. It checks what the load test relies on: the
# sizes asked for, every stock row's ledger summing to on_hand (never negative), each row written with the
# event its service would have emitted, sales whose totals add up, and a second run changing nothing.
# A schema change that the generator does not follow (a new constraint, a new column) fails here rather than
# in the next `make loadtest`.
#   gen_data_test.sh <comptoir binary>
set -euo pipefail
bin=${1:?usage: gen_data_test.sh <comptoir binary>}
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"

state=$(mktemp -d /tmp/comptoir-gendata.XXXXXX)
chmod 755 "$state"
cleanup() {
  [[ -n ${GEN_DATA_TEST_KEEP:-} ]] && { echo "gen_data_test: kept $state (PostgreSQL still running)" >&2; return; }
  tests/fixtures/pg.sh stop "$state" >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT
fail() { echo "gen_data_test: $*" >&2; exit 1; }

tests/fixtures/pg.sh start "$state" >/dev/null
base="postgresql://postgres@127.0.0.1:$(cat "$state/pg/port")"
q() { local db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -tA "$base/$db" "$@"; }

mapfile -t services < <("$bin" services)
source bench/auth_common.sh
bench_auth_env "$state" "${services[@]}"
for svc in product customer inventory sales; do
  q postgres -c "CREATE DATABASE \"$svc\"" >/dev/null
  export "COMPTOIR_$(tr '[:lower:]' '[:upper:]' <<<"$svc")_DATABASE_URL=$base/$svc"
done
for svc in product customer inventory sales; do
  "$bin" migrate --service "$svc" >"$state/migrate-$svc.log" 2>&1 || { cat "$state/migrate-$svc.log" >&2; fail "migrate $svc"; }
  "$bin" seed --service "$svc" >"$state/seed-$svc.log" 2>&1 || { cat "$state/seed-$svc.log" >&2; fail "seed $svc"; }
done
demo_sales=$(q sales -c "SELECT count(*) FROM sales")

export LOADTEST_PSQL=$base LOADTEST_PRODUCTS=60 LOADTEST_SHOPPERS=12 LOADTEST_CASHIERS_PER_STORE=2 LOADTEST_MANAGERS=3
export LOADTEST_SALES_PER_DAY=2 LOADTEST_DAYS=3
bash bench/load/gen-data.sh >"$state/gen1.log" 2>&1 || { cat "$state/gen1.log" >&2; fail "gen-data.sh failed"; }

snapshot() {
  echo "products $(q product -c "SELECT count(*) FROM products WHERE active")"
  echo "product_events $(q product -c "SELECT count(*) FROM outbox WHERE type = 'ProductChanged'")"
  echo "shoppers $(q customer -c "SELECT count(*) FROM customers WHERE email LIKE 'shopper%@example.com'")"
  echo "shopper_events $(q customer -c "SELECT count(*) FROM outbox WHERE type = 'CustomerRegistered'")"
  echo "staff $(q customer -c "SELECT count(*) FROM staff WHERE email LIKE '%@loadtest.comptoir.local'")"
  echo "stock $(q inventory -c "SELECT count(*) FROM stock")"
  echo "movements $(q inventory -c "SELECT count(*) FROM movements")"
  echo "sales $(q sales -c "SELECT count(*) FROM sales")"
  echo "sale_events $(q sales -c "SELECT count(*) FROM outbox WHERE type = 'SaleCompleted'")"
}
first=$(snapshot)
value() { awk -v k="$1" '$1 == k {print $2}' <<<"$first"; }

[[ $(value products) == 60 ]] || fail "60 active products expected: $first"
(($(value product_events) >= 60)) || fail "a ProductChanged event per product expected: $first"
[[ $(value shoppers) == 12 ]] || fail "12 generated shoppers expected: $first"
[[ $(value staff) == 13 ]] || fail "2 cashiers per store and 3 managers expected: $first"
(($(value shopper_events) >= 12)) || fail "a CustomerRegistered event per shopper expected: $first"
stocked=$(q inventory -c "SELECT count(*) FROM locations WHERE type IN ('store', 'logistics')")
at_target=$(q inventory -c "SELECT count(*) FROM stock s JOIN locations l ON l.id = s.location_id
  WHERE s.on_hand >= CASE WHEN l.type = 'logistics' THEN 1000000 ELSE 100000 END")
[[ $at_target == $((stocked * 60)) ]] || fail "every product stocked at every store and the centre: $at_target of $((stocked * 60))"
broken=$(q inventory -c "SELECT count(*) FROM stock s WHERE s.on_hand < 0 OR s.on_hand <> COALESCE(
  (SELECT sum(m.quantity) FROM movements m WHERE m.location_id = s.location_id AND m.product_id = s.product_id), 0)")
[[ $broken == 0 ]] || fail "$broken stock rows whose ledger does not sum to on_hand"
unannounced=$(q inventory -c "SELECT count(*) FROM movements m WHERE m.reference = 'loadtest:data' AND NOT EXISTS (
  SELECT 1 FROM outbox o WHERE o.type = 'StockChanged' AND (o.payload->'data'->>'movement_id')::bigint = m.id
  AND (o.payload->'data'->>'reorder_point')::bigint = (SELECT reorder_point FROM stock s
       WHERE s.location_id = m.location_id AND s.product_id = m.product_id))")
[[ $unannounced == 0 ]] || fail "$unannounced generated movements without their StockChanged event (with the reorder point)"
[[ $(value sales) == $((demo_sales + 5 * 3 * 2)) ]] || fail "5 stores x 3 days x 2 sales more than the demo's $demo_sales: $first"
# The generated year ends where the demo week begins.
bad_sales=$(q sales -c "SELECT count(*) FROM sales s WHERE s.created_at < current_date - 7 AND (
  s.total_cents <> s.subtotal_cents + s.gst_cents + s.qst_cents
  OR s.taxable_cents <> (SELECT COALESCE(sum(line_total_cents), 0) FROM sale_lines l
                         WHERE l.sale_id = s.id AND l.tax_class = 'taxable')
  OR s.gst_cents <> (s.taxable_cents * 5 + 50) / 100 OR s.qst_cents <> (s.taxable_cents * 9975 + 50000) / 100000
  OR s.subtotal_cents <> (SELECT sum(line_total_cents) FROM sale_lines l WHERE l.sale_id = s.id)
  OR s.total_cents <> (SELECT sum(amount_cents) FROM sale_payments p WHERE p.sale_id = s.id))")
[[ $bad_sales == 0 ]] || fail "$bad_sales sales whose lines, taxes and payments do not add up"
(($(value sale_events) >= 30)) || fail "a SaleCompleted event per generated sale expected: $first"

# Idempotent: a second run finds every part done and writes nothing.
bash bench/load/gen-data.sh >"$state/gen2.log" 2>&1 || { cat "$state/gen2.log" >&2; fail "second gen-data.sh run failed"; }
second=$(snapshot)
[[ $second == "$first" ]] || fail "the second run changed the data: before: $first; after: $second"
echo "gen_data_test: ok ($(tr '\n' ' ' <<<"$first"))"
