# Puts the screens the console e2e tests captured (COMPTOIR_CONSOLE_SCREENS=DIR) into apps/console/README.md:
#   python3 apps/console/tests/readme_screens.py apps/console/README.md DIR
import re, sys, os
readme, folder = sys.argv[1], sys.argv[2]
sections = {
 "### Cashier menu (Mile End)": "cashier-menu",
 "### Sale: 2 T-shirts and 1 Café, totals live": "sale-basket",
 "### Sale paid 100,00 $ cash: receipt and change (PgDn scrolls the receipt)": "sale-receipt",
 "### Gateway stopped: eleven offline sales, the last a Thé Vert scanned by its barcode, untaxed; the indicator counts them": "offline-sale",
 "### Partial return by receipt number, refunded on the original card": "return-slip",
 "### Register closed: expected, counted, 5 ¢ short": "register-close",
 "### Stock of a product, here and in the other stores": "cashier-stock",
 "### Restock request filed by the Westmount cashier": "restock-store",
 "### Logistics menu (Anjou)": "logistics-menu",
 "### The restock queue at the centre": "restock-queue",
 "### Centre stock": "centre-stock",
 "### The ledger of a product after an adjustment": "movements",
 "### Head office menu": "head-office-menu",
 "### Dashboard (refreshed every 10 s)": "dashboard",
 "### Sales report by store (7 days)": "report-sales",
}
s = open(readme).read()
for title, name in sections.items():
    text = open(os.path.join(folder, name + ".txt")).read().rstrip("\n")
    i = s.index(title + "\n")
    start = s.index("```\n", i) + 4
    end = s.index("```\n", start)
    s = s[:start] + text + "\n" + s[end:]
open(readme, "w").write(s)
