/**
 * Reference data the generator draws from: the product categories and their translations,
 * monthly order counts and the daily/hourly curves, and review texts. Counts are those of the
 * Kaggle data set (rounded). The states, cities and CEP ranges are in `states.ts`.
 */

/**
 * The 71 translated categories, as in `product_category_name_translation.csv` (typos included),
 * each with its relative share of products.
 */
export const TRANSLATED_CATEGORIES: readonly (readonly [name: string, english: string, share: number])[] = [
  ['beleza_saude', 'health_beauty', 2444],
  ['informatica_acessorios', 'computers_accessories', 1639],
  ['automotivo', 'auto', 1900],
  ['cama_mesa_banho', 'bed_bath_table', 3029],
  ['moveis_decoracao', 'furniture_decor', 2657],
  ['esporte_lazer', 'sports_leisure', 2867],
  ['perfumaria', 'perfumery', 868],
  ['utilidades_domesticas', 'housewares', 2335],
  ['telefonia', 'telephony', 1134],
  ['relogios_presentes', 'watches_gifts', 1329],
  ['alimentos_bebidas', 'food_drink', 104],
  ['bebes', 'baby', 919],
  ['papelaria', 'stationery', 849],
  ['tablets_impressao_imagem', 'tablets_printing_image', 9],
  ['brinquedos', 'toys', 1411],
  ['telefonia_fixa', 'fixed_telephony', 116],
  ['ferramentas_jardim', 'garden_tools', 753],
  ['fashion_bolsas_e_acessorios', 'fashion_bags_accessories', 849],
  ['eletroportateis', 'small_appliances', 231],
  ['consoles_games', 'consoles_games', 317],
  ['audio', 'audio', 58],
  ['fashion_calcados', 'fashion_shoes', 173],
  ['cool_stuff', 'cool_stuff', 789],
  ['malas_acessorios', 'luggage_accessories', 349],
  ['climatizacao', 'air_conditioning', 124],
  ['construcao_ferramentas_construcao', 'construction_tools_construction', 400],
  ['moveis_cozinha_area_de_servico_jantar_e_jardim', 'kitchen_dining_laundry_garden_furniture', 94],
  ['construcao_ferramentas_jardim', 'costruction_tools_garden', 88],
  ['fashion_roupa_masculina', 'fashion_male_clothing', 95],
  ['pet_shop', 'pet_shop', 719],
  ['moveis_escritorio', 'office_furniture', 309],
  ['market_place', 'market_place', 104],
  ['eletronicos', 'electronics', 517],
  ['eletrodomesticos', 'home_appliances', 370],
  ['artigos_de_festas', 'party_supplies', 26],
  ['casa_conforto', 'home_confort', 199],
  ['construcao_ferramentas_ferramentas', 'costruction_tools_tools', 39],
  ['agro_industria_e_comercio', 'agro_industry_and_commerce', 74],
  ['moveis_colchao_e_estofado', 'furniture_mattress_and_upholstery', 10],
  ['livros_tecnicos', 'books_technical', 123],
  ['casa_construcao', 'home_construction', 225],
  ['instrumentos_musicais', 'musical_instruments', 289],
  ['moveis_sala', 'furniture_living_room', 156],
  ['construcao_ferramentas_iluminacao', 'construction_tools_lights', 78],
  ['industria_comercio_e_negocios', 'industry_commerce_and_business', 68],
  ['alimentos', 'food', 82],
  ['artes', 'art', 55],
  ['moveis_quarto', 'furniture_bedroom', 45],
  ['livros_interesse_geral', 'books_general_interest', 216],
  ['construcao_ferramentas_seguranca', 'construction_tools_safety', 91],
  ['fashion_underwear_e_moda_praia', 'fashion_underwear_beach', 53],
  ['fashion_esporte', 'fashion_sport', 19],
  ['sinalizacao_e_seguranca', 'signaling_and_security', 93],
  ['pcs', 'computers', 30],
  ['artigos_de_natal', 'christmas_supplies', 128],
  ['fashion_roupa_feminina', 'fashio_female_clothing', 33],
  ['eletrodomesticos_2', 'home_appliances_2', 90],
  ['livros_importados', 'books_imported', 31],
  ['bebidas', 'drinks', 81],
  ['cine_foto', 'cine_photo', 28],
  ['la_cuisine', 'la_cuisine', 10],
  ['musica', 'music', 27],
  ['casa_conforto_2', 'home_comfort_2', 5],
  ['portateis_casa_forno_e_cafe', 'small_appliances_home_oven_and_coffee', 31],
  ['cds_dvds_musicais', 'cds_dvds_musicals', 1],
  ['dvds_blu_ray', 'dvds_blu_ray', 48],
  ['flores', 'flowers', 14],
  ['artes_e_artesanato', 'arts_and_craftmanship', 19],
  ['fraldas_higiene', 'diapers_and_hygiene', 12],
  ['fashion_roupa_infanto_juvenil', 'fashion_childrens_clothes', 5],
  ['seguros_e_servicos', 'security_and_services', 2],
];

/** The two category names found in products but missing from the translation file. */
export const UNTRANSLATED_CATEGORIES: readonly (readonly [name: string, share: number])[] = [
  ['pc_gamer', 3],
  ['portateis_cozinha_e_preparadores_de_alimentos', 10],
];

/** Categories whose products cost more (log-scale price offset). */
export const CATEGORY_PRICE_FACTOR: Readonly<Record<string, number>> = {
  pcs: 6,
  pc_gamer: 5,
  eletrodomesticos_2: 3.5,
  eletrodomesticos: 1.6,
  climatizacao: 2,
  moveis_escritorio: 2.2,
  instrumentos_musicais: 2,
  agro_industria_e_comercio: 2.5,
  relogios_presentes: 2,
  telefonia_fixa: 1.6,
  consoles_games: 1.4,
  moveis_colchao_e_estofado: 1.6,
  informatica_acessorios: 1.3,
  telefonia: 0.7,
  livros_tecnicos: 0.9,
  papelaria: 0.8,
  fashion_bolsas_e_acessorios: 0.8,
  alimentos_bebidas: 0.7,
  cds_dvds_musicais: 0.7,
};

/** Orders per purchase month in the Kaggle data (sums to 99,441). */
export const MONTHLY_ORDERS: readonly (readonly [year: number, month: number, orders: number])[] = [
  [2016, 9, 4],
  [2016, 10, 324],
  [2016, 11, 0],
  [2016, 12, 1],
  [2017, 1, 800],
  [2017, 2, 1780],
  [2017, 3, 2682],
  [2017, 4, 2404],
  [2017, 5, 3700],
  [2017, 6, 3245],
  [2017, 7, 4026],
  [2017, 8, 4331],
  [2017, 9, 4285],
  [2017, 10, 4631],
  [2017, 11, 7544],
  [2017, 12, 5673],
  [2018, 1, 7269],
  [2018, 2, 6728],
  [2018, 3, 7211],
  [2018, 4, 6939],
  [2018, 5, 6873],
  [2018, 6, 6167],
  [2018, 7, 6292],
  [2018, 8, 6512],
  [2018, 9, 16],
  [2018, 10, 4],
];

/** Days with their own order count in the Kaggle data: Black Friday 2017 and its weekend. */
export const SPECIAL_DAYS: readonly (readonly [isoDate: string, orders: number])[] = [
  ['2017-11-24', 1176],
  ['2017-11-25', 499],
  ['2017-11-26', 391],
  ['2017-11-27', 403],
];

/** The first and last purchase days of the Kaggle data. */
export const FIRST_PURCHASE_DAY = '2016-09-04';
export const LAST_PURCHASE_DAY = '2018-10-17';

/** Relative order volume by weekday, Sunday first (Mon/Tue highest, Sat lowest). */
export const WEEKDAY_WEIGHTS: readonly number[] = [11960, 16196, 15963, 15552, 14761, 14122, 10887];

/** Orders by hour of purchase, 0..23. */
export const HOUR_WEIGHTS: readonly number[] = [
  2394, 1170, 510, 272, 206, 188, 502, 1231, 2967, 4785, 6177, 6578, 5995, 6518, 6569, 6454, 6675, 6150, 5769,
  5982, 6193, 6217, 5816, 4123,
];

/** Order statuses with their share of the Kaggle orders. */
export const STATUS_WEIGHTS: readonly (readonly [status: string, orders: number])[] = [
  ['delivered', 96478],
  ['shipped', 1107],
  ['canceled', 625],
  ['unavailable', 609],
  ['invoiced', 314],
  ['processing', 301],
  ['created', 5],
  ['approved', 2],
];

/** Items per order (1..8): about 90% of orders have one item. */
export const ITEM_COUNT_WEIGHTS: readonly number[] = [0, 9000, 760, 140, 50, 22, 18, 6, 4];

/** Credit-card installments 1..24 by frequency. */
export const INSTALLMENT_WEIGHTS: readonly number[] = [
  0, 25455, 12413, 10461, 7098, 5239, 3920, 1626, 4268, 644, 5328, 23, 133, 16, 15, 74, 5, 8, 27, 0, 17, 3, 1,
  1, 18,
];

/** Review titles, mostly positive or negative. */
export const REVIEW_TITLES_GOOD = [
  'Recomendo',
  'recomendo',
  'Ótimo',
  'Muito bom',
  'Excelente',
  'Super recomendo',
  'Bom',
];
export const REVIEW_TITLES_BAD = [
  'Não recebi',
  'Péssimo',
  'Ruim',
  'Não recomendo',
  'Produto errado',
  'Atraso',
];

/** Review messages: some contain commas and quotes, as the real ones do. */
export const REVIEW_MESSAGES_GOOD = [
  'Recebi bem antes do prazo estipulado.',
  'Produto de ótima qualidade, chegou antes do prazo.',
  'Parabéns lojas lannister adorei comprar pela Internet seguro e prático Parabéns a todos feliz Páscoa',
  'aparelho eficiente. no site a marca do aparelho esta impresso como 3desinfector e ao chegar esta com outro nome',
  'Entrega rápida, produto conforme o anunciado',
  'Muito bom, recomendo!',
  'Vendedor confiável, produto ok e entrega antes do prazo.',
  'Tudo certo, como "prometido" pelo vendedor.',
  'otimo',
];
export const REVIEW_MESSAGES_BAD = [
  'Não recebi o produto e não tive nenhuma resposta.',
  'O produto veio com defeito, quero a troca.',
  'Comprei dois itens, recebi apenas um.',
  'Produto "original" veio falsificado, péssimo!',
  'Atrasou muito, fora do prazo.',
  'Péssimo',
];
