package demo

import "time"

// account is one line of the chart of accounts written to `comptes`.
type account struct{ numero, libelle string }

// chart is a realistic subset of the French PCG. Some accounts are never used
// by the entries, as in a real dossier.
var chart = []account{
	{"101000", "Capital"},
	{"106100", "Réserve légale"},
	{"110000", "Report à nouveau (solde créditeur)"},
	{"120000", "Résultat de l'exercice"},
	{"164000", "Emprunts auprès des établissements de crédit"},
	{"218300", "Matériel de bureau et matériel informatique"},
	{"281830", "Amortissements du matériel de bureau et informatique"},
	{"401000", "Fournisseurs"},
	{"411000", "Clients"},
	{"421000", "Personnel — rémunérations dues"},
	{"431000", "Sécurité sociale (URSSAF)"},
	{"445660", "TVA déductible sur autres biens et services"},
	{"445710", "TVA collectée"},
	{"512000", "Banque Crédit Agricole"},
	{"530000", "Caisse"},
	{"601000", "Achats de matières premières"},
	{"606100", "Fournitures non stockables (eau, énergie)"},
	{"606300", "Fournitures d'entretien et de petit équipement"},
	{"606400", "Fournitures administratives"},
	{"613200", "Locations immobilières"},
	{"615500", "Entretien et réparations sur biens mobiliers"},
	{"616000", "Primes d'assurances"},
	{"622600", "Honoraires"},
	{"623000", "Publicité, publications, relations publiques"},
	{"625100", "Voyages et déplacements"},
	{"626000", "Frais postaux et télécommunications"},
	{"627000", "Services bancaires et assimilés"},
	{"641000", "Rémunérations du personnel"},
	{"645100", "Cotisations à l'URSSAF"},
	{"661100", "Intérêts des emprunts et dettes"},
	{"681100", "Dotations aux amortissements des immobilisations"},
	{"706000", "Prestations de services"},
	{"707000", "Ventes de marchandises"},
	{"708500", "Ports et frais accessoires facturés"},
	{"758000", "Produits divers de gestion courante"},
}

// journal is one row of `journaux`.
type journal struct{ code, libelle, typ string }

var journals = []journal{
	{"ACH", "Achats", "ACH"},
	{"VEN", "Ventes", "VEN"},
	{"BQ1", "Banque Crédit Agricole", "FIN"},
	{"OD", "Opérations diverses", "OD"},
	{"AN", "À-nouveaux", "AN"},
}

// party is a client or a supplier; empty contact fields are written as NULL.
type party struct {
	nom, email, telephone, adresse string
}

var clients = []party{
	{"Café Noël", "contact@cafe-noel.fr", "04 93 21 45 67", "3, place de l'Église, 06300 Nice"},
	{"Hôtel-Restaurant Le Cèdre", "reservation@lecedre.fr", "", "Route de Grasse, 06140 Vence"},
	{"Crêperie Ty Breizh", "", "02 98 44 12 90", "18, quai de l'Odet, 29000 Quimper"},
	{"Mairie de Saint-Étienne-du-Bois", "comptabilite@saint-etienne-du-bois.fr", "04 74 30 50 12", ""},
	{"Société d'Équipement Müller", "info@mueller-equipement.de", "+49 761 55 40 20", "Kaiser-Joseph-Straße 12, 79098 Freiburg"},
	{"L'Œuf à la Coque", "", "", ""},
	{"Pâtisserie Hélène Garçon", "helene.garcon@orange.fr", "06 12 34 56 78", "7, rue des Écoles, 69002 Lyon"},
	{"Cabinet médical Dr Zoé Lemaître", "secretariat@cabinet-lemaitre.fr", "03 88 15 72 00", "22, allée des Tilleuls, 67000 Strasbourg"},
	{"Association Les Amis d'Émile", "", "05 56 81 00 33", "Maison des associations, 33000 Bordeaux"},
	{"Transports Béranger & Fils", "compta@transports-beranger.fr", "04 42 60 18 18", "ZI des Paluds, 13400 Aubagne"},
	{"École Sainte-Thérèse", "econome@ste-therese.org", "", "1, rue du Général-de-Gaulle, 59800 Lille"},
	{"Agence immobilière L'Îlot", "agence@lilot-immo.fr", "02 40 48 11 22", "5, cours Olivier-de-Clisson, 44000 Nantes"},
	{"Brasserie du Théâtre", "", "01 42 61 07 07", "14, place du Théâtre, 75001 Paris"},
	{"Maçonnerie Françoise Ngô", "f.ngo@maconnerie-ngo.fr", "06 98 76 54 32", ""},
	{"Fleuriste « Les Pétales »", "bonjour@lespetales.fr", "", "9, rue Sœur-Bouvier, 69005 Lyon"},
	{"Gîte de l'Aubépine", "gite.aubepine@gmail.com", "05 65 42 18 09", "Lieu-dit La Bastide, 12000 Rodez"},
}

// supplier is a party with what it sells: the expense account, the share of
// the purchases it gets (weights per dossier), its amount range and the stem
// of its scanned invoices' file names.
type supplier struct {
	party
	compte   string
	stem     string
	what     []string // realistic line descriptions
	min, max int64    // amount before tax, cents
	vat      int64    // basis points: 2000 = 20 %
	usd      bool     // invoiced in US dollars, without French VAT
}

var suppliers = []supplier{
	{party{"Électricité Dupré", "factures@electricite-dupre.fr", "04 91 33 20 10", "40, boulevard Longchamp, 13001 Marseille"},
		"606100", "facture-énergie", []string{"Consommation d'électricité", "Abonnement et acheminement", "Régularisation annuelle d'énergie"}, 8000, 90000, 2000, false},
	{party{"L'Atelier Günther", "atelier.gunther@wanadoo.fr", "", "2, impasse des Forges, 68000 Colmar"},
		"615500", "facture-réparation", []string{"Réparation du four à sole", "Remplacement de la courroie et réglages", "Maintenance préventive annuelle"}, 15000, 250000, 2000, false},
	{party{"Orange Business Services", "", "3900", ""},
		"626000", "facture-télécom", []string{"Forfait fibre et téléphonie fixe", "Forfaits mobiles (3 lignes)", "Affranchissements La Poste"}, 4000, 25000, 2000, false},
	{party{"SCI Les Tilleuls", "sci.lestilleuls@free.fr", "06 07 08 09 10", "11, avenue Jean-Jaurès, 31000 Toulouse"},
		"613200", "quittance-loyer", []string{"Loyer commercial", "Charges locatives"}, 120000, 120000, 2000, false},
	{party{"Papeterie Lefèvre & Cie", "", "03 20 55 66 77", "rue Esquermoise, 59000 Lille"},
		"606400", "facture-fournitures", []string{"Ramettes de papier et enveloppes", "Cartouches d'encre", "Classeurs et chemises cartonnées"}, 2000, 30000, 2000, false},
	{party{"Moulins de Haute-Provence", "commandes@moulins-hp.fr", "04 92 72 00 01", "Chemin des Moulins, 04300 Forcalquier"},
		"601000", "facture-matières-premières", []string{"Farine T65 bio, sacs de 25 kg", "Beurre AOP Charentes-Poitou", "Levure fraîche et sel de Guérande"}, 30000, 400000, 550, false},
	{party{"Droguerie Müller", "", "", "8, rue du Dôme, 67000 Strasbourg"},
		"606300", "facture-entretien", []string{"Produits d'entretien et désinfectants", "Petit outillage", "Torchons, gants et tabliers"}, 1500, 40000, 2000, false},
	{party{"Assurances Mutuelles de l'Ouest", "sinistres@amo-assurances.fr", "02 99 00 11 22", "Place de Bretagne, 35000 Rennes"},
		"616000", "avis-échéance-assurance", []string{"Multirisque professionnelle, échéance trimestrielle", "Responsabilité civile"}, 30000, 150000, 0, false},
	{party{"Cabinet Bérénice Roux, expertise comptable", "b.roux@roux-expertise.fr", "01 45 67 89 00", "27, rue de Châteaudun, 75009 Paris"},
		"622600", "note-honoraires", []string{"Honoraires de tenue et révision", "Établissement des comptes annuels et liasse fiscale", "Bulletins de paie"}, 40000, 300000, 2000, false},
	{party{"Imprimerie Côté Ouest", "devis@imprimerie-coteouest.fr", "02 51 33 44 55", ""},
		"623000", "facture-publicité", []string{"Flyers et cartes de visite", "Encart publicitaire dans « L'Écho du Marché »", "Enseigne et vitrophanie"}, 5000, 120000, 2000, false},
	{party{"Pacific Tools Inc.", "billing@pacifictools.com", "+1 415 555 0199", "500 Harbor Blvd, San Francisco CA 94105, USA"},
		"601000", "invoice-pacific-tools", []string{"Diagnostic interface OBD-II (import)", "Spare parts, bulk order"}, 20000, 300000, 0, true},
	{party{"Informatique Noël & Fils", "", "05 61 22 33 44", "ZA du Ramier, 31400 Toulouse"},
		"218300", "facture-matériel", []string{"Poste de travail et écran 27 pouces", "Serveur NAS et onduleur", "Terminal de paiement et caisse enregistreuse"}, 90000, 450000, 2000, false},
}

// Index of the suppliers with a fixed role in the generated ledger.
const (
	supplierRent      = 3
	supplierEquipment = 11
)

// saleKind is one kind of invoice line a dossier sells.
type saleKind struct {
	compte   string
	what     []string
	min, max int64 // cents before tax
	vat      int64 // basis points
}

// profile is one demo dossier: who it is and how busy it is.
type profile struct {
	numero, nom, raison string
	first               time.Time // first day of the first exercice
	exercices           int
	sales               []saleKind
	lines               int     // product lines per sales invoice (GARAGE bills labour and parts)
	weights             []int   // purchase weight per supplier (same order as suppliers); rent and equipment are fixed
	salesPerMonth       int     // sales invoices per month in the first exercice
	purchasesPerMonth   int     // purchase invoices per month in the first exercice
	employees           int     // payroll size
	salary              int64   // gross monthly salary per employee, cents
	growth              float64 // yearly growth of activity
	session             bool    // leave a row in `sessions`
}

var profiles = []profile{
	{
		numero: "001", nom: "SOC", raison: "Société Exemple SARL",
		first: date(2016, 1, 1), exercices: 10,
		sales: []saleKind{
			{"706000", []string{"Mission de conseil en organisation", "Audit des processus achats", "Formation « Excel avancé » (2 jours)", "Assistance à maîtrise d'ouvrage"}, 30000, 800000, 2000},
			{"707000", []string{"Revente de licences logicielles", "Fourniture de matériel réseau"}, 10000, 150000, 2000},
		},
		lines:   1,
		weights: []int{2, 1, 3, 0, 4, 0, 2, 1, 1, 2, 0, 0},
		// About 15 000 lignes over ten years.
		salesPerMonth: 10, purchasesPerMonth: 7, employees: 4, salary: 320000, growth: 0.04,
	},
	{
		numero: "002", nom: "BOULANG", raison: "Boulangerie Lefèvre & Fils",
		// Fiscal year from 1 July to 30 June.
		first: date(2022, 7, 1), exercices: 4,
		sales: []saleKind{
			{"707000", []string{"Pains et viennoiseries (livraison hebdomadaire)", "Pâtisseries pour réception", "Galettes des rois", "Pain de campagne au levain, 40 pièces"}, 5000, 180000, 550},
		},
		lines:         1,
		weights:       []int{2, 1, 1, 0, 1, 8, 2, 1, 1, 1, 0, 0},
		salesPerMonth: 25, purchasesPerMonth: 6, employees: 2, salary: 210000, growth: 0.03,
		session: true,
	},
	{
		numero: "003", nom: "GARAGE", raison: "Garage de l'Étoile",
		first: date(2018, 1, 1), exercices: 8,
		sales: []saleKind{
			{"706000", []string{"Main-d'œuvre : révision des 60 000 km", "Main-d'œuvre : remplacement de l'embrayage", "Diagnostic électronique", "Contrôle de la climatisation"}, 6000, 90000, 2000},
			{"707000", []string{"Pièces : kit de distribution", "Pièces : plaquettes et disques de frein", "Pneumatiques 205/55 R16 (×4)", "Huile moteur 5W-30 et filtres"}, 4000, 150000, 2000},
		},
		lines:         2,
		weights:       []int{1, 2, 1, 0, 1, 3, 2, 1, 1, 1, 1, 0},
		salesPerMonth: 20, purchasesPerMonth: 6, employees: 3, salary: 230000, growth: 0.02,
	},
}

// today is the demo world's current date: the open exercices stop here, so
// the output does not depend on when the demo is generated.
var today = date(2025, 11, 21)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
