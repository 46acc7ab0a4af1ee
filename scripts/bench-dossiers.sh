#!/usr/bin/env bash
# bench-dossiers.sh KIND FILE: writes a benchmark dossier with the sqlite3
# command line from the management software's schema (internal/dossier/
# schema.sql, the same as shared/dossier-schema.sql) — not with Coffre's own
# demo generator, so that what is measured is a file Coffre did not write.
#   texte    ≈ 590 Mo: 1,4 M écritures, 4 M lignes, aucune annexe
#   annexes  ≈ 600 Mo: 0,5 M écritures, 1,4 M lignes, 390 Mo d'annexes (BLOB)
#   N Mo     (a number): the text-heavy shape scaled to about N MB (10 GB run)
set -euo pipefail
cd "$(dirname "$0")/.."
kind=$1 out=$2
case $kind in
texte) entries=1400000 annexes=0 ;;
annexes) entries=500000 annexes=4000 ;;
*[!0-9]*) echo "usage: $0 texte|annexes|MO FICHIER" >&2; exit 2 ;;
*) entries=$((kind * 1400000 / 588)) annexes=0 ;;
esac
tmp="$out.tmp"
rm -f "$tmp" "$tmp-journal"
{
	echo "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;"
	cat internal/dossier/schema.sql
	cat <<SQL
BEGIN;
INSERT INTO dossier VALUES ('001', 'BENCH', 'Société de mesure des performances SARL', '732829320', 'EUR', '5d0c8f0e-6a3b-4b7e-9d51-$(printf '%012d' "$entries")', 1);
INSERT INTO journaux VALUES ('ACH', 'Achats', 'ACH'), ('VEN', 'Ventes', 'VEN'), ('BQ1', 'Banque Crédit Agricole', 'FIN'), ('OD', 'Opérations diverses', 'OD'), ('AN', 'À-nouveaux', 'AN');
WITH RECURSIVE y(a) AS (SELECT 2016 UNION ALL SELECT a + 1 FROM y WHERE a < 2025)
INSERT INTO exercices SELECT a - 2015, a, a || '-01-01', a || '-12-31', a < 2025, 0 FROM y;
CREATE TEMP TABLE mots (id INTEGER PRIMARY KEY, w TEXT);
INSERT INTO mots (w) VALUES ('Facture'), ('Avoir'), ('Règlement'), ('Prélèvement'), ('Virement reçu'),
 ('Remise de chèques'), ('Achat de marchandises'), ('Loyer du local commercial'), ('Frais de déplacement'),
 ('Honoraires comptables'), ('Téléphone et internet'), ('Électricité'), ('Carburant'), ('Fournitures de bureau'),
 ('Assurance multirisque'), ('Entretien du véhicule'), ('Cotisation URSSAF'), ('Acompte TVA'), ('Salaires'),
 ('Publicité'), ('Transport sur achats'), ('Commission bancaire'), ('Intérêts d''emprunt'), ('Location de matériel'),
 ('Sous-traitance'), ('Vente de marchandises'), ('Prestation de services'), ('Escompte accordé'), ('Frais postaux'),
 ('Documentation technique'), ('Cadeaux à la clientèle'), ('Réception'), ('Formation professionnelle');
CREATE TEMP TABLE noms (id INTEGER PRIMARY KEY, w TEXT);
INSERT INTO noms (w) VALUES ('DUPONT SARL'), ('Martin & Fils'), ('Boulangerie Lefèvre'), ('Garage Moreau'),
 ('SCI Les Tilleuls'), ('Cabinet Durand'), ('EDF Entreprises'), ('Orange Business'), ('La Poste'), ('Transports Petit'),
 ('Menuiserie Bernard'), ('Pharmacie du Centre'), ('Hôtel de la Gare'), ('Quincaillerie Roux'), ('Atelier Fournier'),
 ('Société Générale'), ('Metro Cash & Carry'), ('Brico Dépôt'), ('Imprimerie Girard'), ('Électricité Lambert');
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300)
INSERT INTO comptes SELECT printf('%d%05d', 1 + i % 7, i * 37 % 100000), (SELECT w FROM mots WHERE id = 1 + i % 33) || ' ' || i FROM c;
INSERT OR IGNORE INTO comptes VALUES ('401000', 'Fournisseurs'), ('411000', 'Clients'), ('445660', 'TVA déductible'),
 ('445710', 'TVA collectée'), ('512000', 'Banque'), ('607000', 'Achats de marchandises'), ('707000', 'Ventes de marchandises');
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000)
INSERT INTO tiers SELECT i, printf('%s%05d', CASE WHEN i % 3 THEN 'C' ELSE 'F' END, i),
 (SELECT w FROM noms WHERE id = 1 + i % 20) || ' ' || i, CASE WHEN i % 3 THEN 'C' ELSE 'F' END,
 CASE WHEN i % 3 THEN '411000' ELSE '401000' END, 'contact' || i || '@exemple.fr', printf('01 %02d %02d %02d %02d', i % 97, i % 89, i % 83, i % 79),
 i || ' rue de la République, 69002 Lyon' FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $entries)
INSERT INTO ecritures SELECT i, 1 + (i - 1) * 10 / $entries,
 CASE i % 4 WHEN 0 THEN 'ACH' WHEN 1 THEN 'VEN' WHEN 2 THEN 'BQ1' ELSE 'OD' END,
 1 + (i - 1) % (($entries + 9) / 10),
 printf('%d-%02d-%02d', 2016 + (i - 1) * 10 / $entries, 1 + i % 12, 1 + i % 28),
 printf('%s%d-%06d', CASE i % 4 WHEN 0 THEN 'FA' WHEN 1 THEN 'FV' WHEN 2 THEN 'RB' ELSE 'OD' END, 2016 + (i - 1) * 10 / $entries, i),
 printf('%d-%02d-%02d', 2016 + (i - 1) * 10 / $entries, 1 + i % 12, 1 + (i * 7) % 28),
 (SELECT w FROM mots WHERE id = 1 + i % 33) || ' ' || (SELECT w FROM noms WHERE id = 1 + (i / 3) % 20) || ' ' || (abs(random()) % 10000),
 printf('%d-%02d-%02d', 2016 + (i - 1) * 10 / $entries, 1 + i % 12, 1 + (i * 7) % 28), 'SAISIE' FROM c;
CREATE TEMP TABLE montants AS SELECT id, 100 + abs(random()) % 500000 AS ht, i % 7 AS trois FROM (SELECT id, id AS i FROM ecritures);
CREATE TEMP TABLE k (k INTEGER PRIMARY KEY);
INSERT INTO k VALUES (1), (2), (3);
-- One entry's lines together, as the management software writes them: 3
-- lines (charge or sale, VAT, third party) or, one entry in 7, 2.
INSERT INTO lignes (ecriture_id, compte, tiers_id, libelle, debit, credit, lettrage, date_lettrage)
SELECT m.id,
 CASE k.k WHEN 1 THEN CASE WHEN m.id % 4 = 1 THEN '707000' ELSE '607000' END
  WHEN 2 THEN CASE WHEN m.id % 4 = 1 THEN '445710' ELSE '445660' END
  ELSE CASE WHEN m.id % 4 = 1 THEN '411000' ELSE '401000' END END,
 CASE k.k WHEN 3 THEN 1 + m.id % 2000 END,
 CASE k.k WHEN 1 THEN (SELECT w FROM mots WHERE id = 1 + m.id % 33)
  WHEN 2 THEN 'TVA 20 % ' || (SELECT w FROM mots WHERE id = 1 + m.id % 33)
  ELSE (SELECT w FROM noms WHERE id = 1 + m.id % 20) || ' ' || (1 + m.id % 2000) END,
 CASE WHEN (k.k < 3) = (m.id % 4 = 1) THEN 0
  WHEN k.k = 1 THEN m.ht WHEN k.k = 2 THEN m.ht / 5
  ELSE m.ht + CASE WHEN m.trois THEN m.ht / 5 ELSE 0 END END,
 CASE WHEN (k.k < 3) <> (m.id % 4 = 1) THEN 0
  WHEN k.k = 1 THEN m.ht WHEN k.k = 2 THEN m.ht / 5
  ELSE m.ht + CASE WHEN m.trois THEN m.ht / 5 ELSE 0 END END,
 CASE WHEN k.k = 3 AND m.id % 5 THEN printf('%s%s%d', char(65 + m.id % 26), char(65 + m.id / 26 % 26), m.id % 997) END,
 CASE WHEN k.k = 3 AND m.id % 5 THEN '2025-12-31' END
FROM montants m CROSS JOIN k WHERE k.k <> 2 OR m.trois ORDER BY m.id, k.k;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $annexes)
INSERT INTO annexes SELECT i, 1 + (i * 7919) % $entries, printf('piece-%06d.pdf', i), 'application/pdf',
 CAST(CAST(printf('%%PDF-1.4 %%âãÏÓ pièce %d — %s', i, (SELECT w FROM noms WHERE id = 1 + i % 20)) AS BLOB)
 || zeroblob(2048) || randomblob(90000 + abs(random()) % 12000) AS BLOB) FROM c WHERE $annexes > 0;
COMMIT;
SQL
} | sqlite3 "$tmp" >/dev/null
mv "$tmp" "$out"
