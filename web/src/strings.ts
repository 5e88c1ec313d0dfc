// Everything the web shows people, in French (Québec), in one place. Code, logs and tests stay in English.
import type { OrderStatus, RestockStatus, Role, Tender } from './api/types';

export const t = {
  brand: 'Comptoir',
  skip: 'Aller au contenu',
  loading: 'Chargement…',
  retry: 'Réessayer',
  close: 'Fermer',
  cancel: 'Annuler',
  save: 'Enregistrer',
  confirm: 'Confirmer',
  previous: 'Précédent',
  next: 'Suivant',
  pageOf: (page: number, pages: number) => `Page ${page} sur ${pages}`,
  notFoundTitle: 'Page introuvable',
  notFoundText: 'Cette page n’existe pas ou a été déplacée.',
  backHome: 'Retour à la boutique',

  shop: {
    title: 'Comptoir — la boutique en ligne',
    nav: 'Navigation principale',
    searchLabel: 'Rechercher un produit',
    searchPlaceholder: 'Rechercher (ex. café, veste)…',
    searchButton: 'Rechercher',
    categories: 'Catégories',
    allProducts: 'Tous les produits',
    results: (n: number) => (n === 0 ? 'Aucun produit' : n === 1 ? '1 produit' : `${n} produits`),
    resultsFor: (q: string) => `Résultats pour « ${q} »`,
    noResults: 'Aucun produit ne correspond à votre recherche.',
    addToCart: 'Ajouter au panier',
    added: (name: string, quantity: number) => `${quantity} × ${name} ajouté au panier.`,
    quantity: 'Quantité',
    sku: 'Code',
    category: 'Catégorie',
    backToCatalogue: '← Retour au catalogue',
    productNotFound: 'Ce produit n’existe pas ou n’est plus offert.',
    cart: 'Panier',
    cartItems: (n: number) => (n > 1 ? ' articles' : ' article'),
    account: 'Mon compte',
    myOrders: 'Mes commandes',
    signIn: 'Se connecter',
    signOut: 'Se déconnecter',
    register: 'Créer un compte',
    hello: (name: string) => `Bonjour, ${name}`,
    staffLink: 'Espace employés',
    footer: 'Comptoir — commerce de détail au Québec. Prix en dollars canadiens; TPS et TVQ en sus.',
  },

  cart: {
    title: 'Votre panier',
    empty: 'Votre panier est vide.',
    continue: 'Continuer vos achats',
    product: 'Produit',
    unitPrice: 'Prix unitaire',
    quantity: 'Quantité',
    lineTotal: 'Total',
    remove: 'Retirer',
    removeNamed: (name: string) => `Retirer ${name} du panier`,
    decrease: (name: string) => `Diminuer la quantité de ${name}`,
    increase: (name: string) => `Augmenter la quantité de ${name}`,
    quantityOf: (name: string) => `Quantité de ${name}`,
    subtotal: 'Sous-total',
    discount: 'Rabais',
    untaxed: 'Dont non taxable (épicerie de base)',
    zeroRated: '(non taxable)',
    gst: 'TPS (5 %)',
    qst: 'TVQ (9,975 %)',
    shipping: 'Livraison',
    total: 'Total',
    summary: 'Récapitulatif',
    checkout: 'Passer la commande',
    updated: 'Panier mis à jour.',
    merged: 'Les articles de votre panier invité ont été ajoutés à votre compte.',
  },

  auth: {
    signInTitle: 'Connexion',
    registerTitle: 'Créer un compte',
    email: 'Adresse courriel',
    password: 'Mot de passe',
    passwordHint: 'Au moins 8 caractères.',
    firstName: 'Prénom',
    lastName: 'Nom',
    submitSignIn: 'Se connecter',
    submitRegister: 'Créer mon compte',
    noAccount: 'Pas encore de compte?',
    haveAccount: 'Déjà un compte?',
    signedOut: 'Vous êtes déconnecté.',
    needSignIn: 'Connectez-vous pour passer la commande.',
  },

  checkout: {
    title: 'Paiement',
    address: 'Adresse de livraison',
    savedAddresses: 'Vos adresses',
    newAddress: 'Nouvelle adresse',
    line1: 'Adresse',
    city: 'Ville',
    province: 'Province',
    postalCode: 'Code postal',
    saveAddress: 'Enregistrer cette adresse dans mon compte',
    quebecOnly: 'Nous livrons au Québec seulement.',
    freeShipping: (from: string) => `Livraison gratuite dès ${from} d’achats (avant taxes); sinon 9,99 $, taxable.`,
    payment: 'Paiement par carte',
    cardNumber: 'Numéro de carte',
    cardHint: 'Cartes d’essai : 4242 4242 4242 4242 (acceptée), 4000 0000 0000 0002 (refusée), 4000 0000 0000 0119 (délai dépassé).',
    pay: (total: string) => `Payer ${total}`,
    paying: 'Paiement en cours…',
    emptyCart: 'Votre panier est vide : rien à payer.',
    chooseAddress: 'Choisissez une adresse ou saisissez-en une nouvelle.',
  },

  order: {
    confirmedTitle: 'Merci! Votre commande est confirmée.',
    confirmedText: (number: string) => `Commande n° ${number}. Un récapitulatif vous attend dans « Mes commandes ».`,
    number: (number: string) => `Commande n° ${number}`,
    title: 'Mes commandes',
    none: 'Vous n’avez pas encore passé de commande.',
    date: 'Date',
    status: 'Statut',
    total: 'Total',
    items: 'Articles',
    details: 'Détails',
    shipTo: 'Livrée à',
    paidWith: (last4: string) => `Payée par carte se terminant par ${last4}`,
    cancel: 'Annuler la commande',
    cancelConfirm: 'Annuler cette commande? Le montant sera remboursé sur votre carte.',
    cancelled: 'Commande annulée; le remboursement est en cours.',
    refunded: 'Remboursée',
  },

  statuses: {
    paid: 'Payée',
    preparing: 'En préparation',
    shipped: 'Expédiée',
    delivered: 'Livrée',
    cancelled: 'Annulée',
  } satisfies Record<OrderStatus, string>,

  office: {
    title: 'Comptoir — gestion',
    brand: 'Comptoir · Gestion',
    nav: 'Menu de la gestion',
    signInTitle: 'Connexion des employés',
    signInText: 'Réservé au personnel des magasins, de la logistique et du siège social.',
    signedInAs: (name: string, role: string) => `${name} — ${role}`,
    home: 'Accueil',
    welcome: (name: string) => `Bienvenue, ${name}.`,
    homeText: 'Choisissez une section dans le menu.',
    forbiddenTitle: 'Accès refusé',
    forbiddenText: 'Votre rôle ne donne pas accès à cette page.',
    backToShop: 'Voir la boutique',
    dashboard: 'Tableau de bord',
    products: 'Produits',
    stock: 'Stock',
    restock: 'Réapprovisionnement',
    sales: 'Ventes',
    onlineOrders: 'Commandes en ligne',
    staff: 'Personnel',
    password: 'Mot de passe',
  },

  roles: {
    cashier: 'Caissier·ère',
    logistics: 'Logistique',
    manager: 'Gestionnaire',
    admin: 'Administrateur·trice',
  } satisfies Record<Role, string>,

  products: {
    title: 'Produits',
    filter: 'Filtrer par nom ou code',
    showArchived: 'Afficher les produits archivés',
    sku: 'Code (SKU)',
    name: 'Nom',
    description: 'Description',
    category: 'Catégorie',
    noCategory: 'Aucune',
    price: 'Prix',
    priceHint: 'En dollars, ex. 12,99',
    state: 'État',
    active: 'En vente',
    archived: 'Archivé',
    actions: 'Actions',
    create: 'Nouveau produit',
    createSubmit: 'Créer le produit',
    created: (name: string) => `Produit « ${name} » créé.`,
    changePrice: 'Changer le prix',
    newPriceOf: (name: string) => `Nouveau prix de ${name}`,
    priceChanged: (name: string, price: string) => `Prix de « ${name} » changé : ${price}.`,
    archive: 'Archiver',
    archiveNamed: (name: string) => `Archiver ${name}`,
    archiveConfirm: (name: string) => `Archiver « ${name} »? Il ne sera plus vendu, ni en magasin ni en ligne.`,
    archivedDone: (name: string) => `« ${name} » est archivé.`,
    restore: 'Remettre en vente',
    restored: (name: string) => `« ${name} » est de nouveau en vente.`,
    badPrice: 'Saisissez un prix valide, ex. 12,99.',
    readOnly: 'Seuls les gestionnaires modifient le catalogue.',
    taxClass: 'Taxes',
    taxClassOf: (name: string) => `Taxes de ${name}`,
    taxClasses: { taxable: 'Taxable (TPS + TVQ)', zero_rated: 'Détaxé (épicerie de base)', exempt: 'Exonéré' } as Record<
      'taxable' | 'zero_rated' | 'exempt',
      string
    >,
    taxClassChanged: (name: string, label: string) => `Taxes de « ${name} » : ${label}.`,
  },

  promotions: {
    title: 'Promotions',
    create: 'Nouvelle promotion',
    createSubmit: 'Créer la promotion',
    created: (name: string) => `Promotion « ${name} » créée.`,
    name: 'Nom',
    kind: 'Type',
    kinds: { percent_off: 'Pourcentage de rabais', buy_x_get_y: 'Achetez X, obtenez Y', bundle: 'Ensemble à prix fixe' } as Record<
      'percent_off' | 'buy_x_get_y' | 'bundle',
      string
    >,
    products: 'Produits (n°, séparés par des virgules)',
    category: 'Catégorie (n°)',
    percent: 'Rabais (%)',
    buy: 'Achetés (X)',
    get: 'Offerts (Y)',
    bundle: 'Ensemble (n°×qté, ex. 9x1, 12x1)',
    bundlePrice: "Prix de l'ensemble",
    starts: 'Début (AAAA-MM-JJ)',
    ends: 'Fin (AAAA-MM-JJ, facultative)',
    stores: 'Magasins (n°, séparés par des virgules)',
    online: 'En ligne',
    when: 'Période',
    where: 'Où',
    state: 'État',
    inForce: 'Active',
    withdrawn: 'Retirée',
    withdraw: 'Retirer',
    withdrawNamed: (name: string) => `Retirer la promotion ${name}`,
    withdrawConfirm: (name: string) => `Retirer « ${name} »? Elle ne s'appliquera plus.`,
    withdrawnDone: (name: string) => `« ${name} » est retirée.`,
    none: 'Aucune promotion.',
    badInput: 'Vérifiez les champs de la promotion.',
  },

  stock: {
    title: 'Stock par emplacement',
    location: 'Emplacement',
    lowOnly: 'Stock bas seulement',
    product: 'Produit',
    onHand: 'En main',
    reserved: 'Réservé',
    available: 'Disponible',
    reorderPoint: 'Seuil de commande',
    low: 'Stock bas',
    none: 'Aucune ligne de stock.',
    rows: (n: number) => `${n} ligne${n > 1 ? 's' : ''}`,
  },

  restock: {
    title: 'Demandes de réapprovisionnement',
    status: 'Statut',
    allStatuses: 'Tous',
    store: 'Magasin',
    lines: 'Produits',
    requested: 'Demandé',
    approved: 'Approuvé',
    note: 'Note',
    date: 'Date',
    none: 'Aucune demande.',
    create: 'Nouvelle demande',
    product: 'Produit',
    quantity: 'Quantité',
    addLine: 'Ajouter un produit',
    removeLine: 'Retirer cette ligne',
    submit: 'Envoyer la demande',
    created: (id: number) => `Demande n° ${id} envoyée au centre de distribution.`,
    approve: 'Approuver',
    approveTitle: (id: number) => `Approuver la demande n° ${id}`,
    approvedQuantity: (name: string) => `Quantité approuvée de ${name}`,
    reject: 'Refuser',
    rejectReason: 'Motif du refus',
    ship: 'Expédier',
    receive: 'Réceptionner',
    done: (id: number, status: string) => `Demande n° ${id} : ${status}.`,
    number: (id: number) => `n° ${id}`,
  },

  restockStatuses: {
    requested: 'Demandée',
    approved: 'Approuvée',
    rejected: 'Refusée',
    shipped: 'Expédiée',
    received: 'Reçue',
  } satisfies Record<RestockStatus, string>,

  sales: {
    title: 'Ventes et reçus',
    store: 'Magasin',
    receipt: 'Reçu',
    date: 'Date',
    total: 'Total',
    none: 'Aucune vente.',
    open: (receipt: string) => `Voir le reçu ${receipt}`,
    receiptTitle: (receipt: string) => `Reçu ${receipt}`,
    sold: 'Vendu',
    returned: 'Retourné',
    payments: 'Paiements',
    change: 'Monnaie rendue',
    rounding: 'Arrondi (espèces)',
    returnTitle: 'Retour de marchandise',
    returnQuantity: (name: string) => `Quantité retournée de ${name}`,
    reason: 'Motif du retour',
    refundMethod: 'Mode de remboursement',
    sameAsPaid: 'Comme le paiement',
    submitReturn: 'Enregistrer le retour',
    returnDone: (total: string) => `Retour enregistré : ${total} remboursé.`,
    returnsList: 'Retours déjà faits',
    nothingToReturn: 'Choisissez au moins une quantité à retourner.',
    back: '← Toutes les ventes',
  },

  tenders: {
    cash: 'Espèces',
    card: 'Carte de crédit',
    debit: 'Débit',
    gift_card: 'Carte-cadeau',
  } satisfies Record<Tender, string>,

  online: {
    title: 'Commandes en ligne',
    status: 'Statut',
    all: 'Toutes',
    number: 'Commande',
    date: 'Date',
    total: 'Total',
    address: 'Livraison',
    actions: 'Actions',
    moveTo: (status: string) => `Passer à « ${status} »`,
    moved: (number: string, status: string) => `Commande ${number} : ${status}.`,
    cancel: 'Annuler',
    cancelConfirm: (number: string) => `Annuler la commande ${number} et la rembourser?`,
    none: 'Aucune commande.',
  },

  staffPage: {
    title: 'Comptes du personnel',
    name: 'Nom',
    email: 'Courriel',
    role: 'Rôle',
    store: 'Magasin',
    state: 'État',
    active: 'Actif',
    disabled: 'Désactivé',
    actions: 'Actions',
    create: 'Nouveau compte',
    createSubmit: 'Créer le compte',
    created: (email: string) => `Compte ${email} créé.`,
    password: 'Mot de passe initial',
    disable: 'Désactiver',
    enable: 'Réactiver',
    changeRole: 'Changer le rôle',
    resetPassword: 'Réinitialiser le mot de passe',
    resetDone: (email: string, code: string, until: string) =>
      `Mot de passe de ${email} réinitialisé. Code à lui remettre : ${code} (valide jusqu’au ${until}).`,
    updated: (email: string) => `Compte ${email} mis à jour.`,
    noStore: '—',
    storeRequired: 'Un·e caissier·ère est rattaché·e à un magasin.',
  },

  password: {
    title: 'Changer mon mot de passe',
    current: 'Mot de passe actuel',
    next: 'Nouveau mot de passe',
    submit: 'Changer le mot de passe',
    changed: 'Mot de passe changé : connectez-vous avec le nouveau.',
    haveCode: 'J’ai reçu un code de réinitialisation',
    code: 'Code de réinitialisation',
    setNew: 'Définir mon mot de passe',
    resetDone: 'Mot de passe défini : connectez-vous avec le nouveau.',
  },

  dashboard: {
    title: 'Tableau de bord du réseau',
    asOf: (time: string) => `Mis à jour : ${time}`,
    live: 'Mise à jour automatique',
    today: 'Aujourd’hui',
    sevenDays: '7 jours',
    trend: 'Tendance (7 j)',
    transactions: 'Transactions',
    basket: 'Panier moyen',
    lowStock: 'Stock bas',
    pendingRestock: 'Réappros en attente',
    online: 'Boutique en ligne',
    ordersToday: 'Commandes aujourd’hui',
    openOrders: 'Commandes à traiter',
    totals: 'Total du réseau',
    chart: '7 derniers jours — revenus par magasin',
    chartLabel: (name: string) => `Revenus des 7 derniers jours : ${name}`,
    topProducts: 'Meilleurs vendeurs (7 jours)',
    rank: 'Rang',
    product: 'Produit',
    quantity: 'Quantité',
    sales: 'Ventes',
    stores: 'Magasins',
  },

  errors: {
    network: 'Le serveur ne répond pas. Vérifiez votre connexion et réessayez.',
    timeout: 'Le serveur a mis trop de temps à répondre. Réessayez.',
    generic: 'Une erreur est survenue. Réessayez dans un moment.',
    unavailable: 'Le service est momentanément indisponible. Réessayez dans un moment.',
    signInAgain: 'Votre session a expiré. Connectez-vous de nouveau.',
    forbidden: 'Vous n’avez pas l’autorisation de faire cette action.',
    badCredentials: 'Adresse courriel ou mot de passe incorrect.',
    locked: 'Trop de tentatives. Réessayez dans quelques minutes.',
    emailTaken: 'Un compte existe déjà avec cette adresse courriel.',
    validation: 'Certains champs sont invalides.',
    insufficientStock: 'Stock insuffisant : cette quantité n’est plus disponible en ligne.',
    cardDeclined: 'Votre carte a été refusée. Aucun montant n’a été débité et votre panier est intact. Essayez une autre carte.',
    paymentTimeout: 'Le paiement n’a pas été confirmé à temps. Aucun montant n’est retenu et votre panier est intact. Réessayez.',
    paymentUnavailable: 'Le service de paiement est indisponible. Votre panier est intact. Réessayez dans un moment.',
    outsideQuebec: 'Nous livrons au Québec seulement.',
    cartEmpty: 'Votre panier est vide.',
    unknownProduct: 'Un produit de votre panier n’est plus offert. Retirez-le pour continuer.',
    illegalTransition: 'Ce changement de statut n’est plus possible.',
    notFound: 'Introuvable.',
    duplicateSku: 'Ce code de produit existe déjà.',
    accountDisabled: 'Ce compte est désactivé. Adressez-vous à un·e administrateur·trice.',
    invalidResetCode: 'Ce code de réinitialisation n’est pas valide ou a expiré.',
  },
};

/** The French message for a failed call (by the service's stable code, then by status). */
export function errorMessage(e: unknown): string {
  const err = e as { status?: number; code?: string; fields?: { field: string; message: string }[] };
  if (!err || typeof err.status !== 'number') return t.errors.generic;
  switch (err.code) {
    case 'network':
      return t.errors.network;
    case 'network.timeout':
      return t.errors.timeout;
    case 'auth.invalid_credentials':
      return t.errors.badCredentials;
    case 'auth.too_many_attempts':
    case 'auth.locked':
      return t.errors.locked;
    case 'customer.email_taken':
    case 'staff.email_taken':
      return t.errors.emailTaken;
    case 'cart.insufficient_stock':
    case 'inventory.insufficient_stock':
      return t.errors.insufficientStock;
    case 'payment.card_declined':
      return t.errors.cardDeclined;
    case 'order.payment_timeout':
      return t.errors.paymentTimeout;
    case 'order.payment_unavailable':
    case 'order.not_recorded':
    case 'order.checkout_interrupted':
      return t.errors.paymentUnavailable;
    case 'order.shipping_outside_quebec':
      return t.errors.outsideQuebec;
    case 'order.cart_empty':
      return t.errors.cartEmpty;
    case 'order.unknown_product':
    case 'cart.unknown_product':
      return t.errors.unknownProduct;
    case 'order.illegal_transition':
    case 'inventory.illegal_transition':
      return t.errors.illegalTransition;
    case 'auth.account_disabled':
      return t.errors.accountDisabled;
    case 'auth.invalid_reset_token':
      return t.errors.invalidResetCode;
    case 'product.duplicate_sku':
      return t.errors.duplicateSku;
  }
  if (err.status === 401) return err.code === 'auth.invalid_credentials' ? t.errors.badCredentials : t.errors.signInAgain;
  if (err.status === 403) return t.errors.forbidden;
  if (err.status === 404) return t.errors.notFound;
  if (err.status === 429) return t.errors.locked;
  if (err.status === 400 || err.status === 422) {
    const fields = (err.fields ?? []).map((f) => f.field).join(', ');
    return fields ? `${t.errors.validation} (${fields})` : t.errors.validation;
  }
  if (err.status === 503 || err.status === 502) return t.errors.unavailable;
  if (err.status === 504) return t.errors.timeout;
  return t.errors.generic;
}
