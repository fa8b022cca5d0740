/**
 * Reference data the generator draws from: Brazilian states with the Olist shares of customers
 * and sellers, cities with coordinates, CEP prefix ranges, the product categories and their
 * translations, monthly order counts and the daily/hourly curves, and review texts. Shares and
 * counts are those of the Kaggle data set (rounded); cities and zip ranges are plausible, not a
 * gazetteer.
 */

/** A city: name as Olist writes it (lowercase, no accents), accented variant, weight, lat, lng. */
export type CityRef = readonly [
  name: string,
  accented: string | null,
  weight: number,
  lat: number,
  lng: number,
];

/** A state: code, share of customers (%), share of sellers (%), CEP prefix range, cities (capital first). */
export interface StateRef {
  readonly code: string;
  readonly customerShare: number;
  readonly sellerShare: number;
  readonly zipMin: number;
  readonly zipMax: number;
  readonly cities: readonly CityRef[];
}

export const STATES: readonly StateRef[] = [
  {
    code: 'SP',
    customerShare: 41.98,
    sellerShare: 59.74,
    zipMin: 1000,
    zipMax: 19999,
    cities: [
      ['sao paulo', 'são paulo', 40, -23.55, -46.63],
      ['guarulhos', null, 5, -23.45, -46.53],
      ['campinas', null, 4, -22.91, -47.06],
      ['sao bernardo do campo', 'são bernardo do campo', 3.5, -23.69, -46.56],
      ['osasco', null, 3.5, -23.53, -46.79],
      ['santo andre', 'santo andré', 2.2, -23.66, -46.53],
      ['santos', null, 1.8, -23.96, -46.33],
      ['sao jose dos campos', 'são josé dos campos', 1.7, -23.18, -45.89],
      ['sorocaba', null, 1.5, -23.5, -47.46],
      ['jundiai', 'jundiaí', 1.3, -23.19, -46.88],
      ['ribeirao preto', 'ribeirão preto', 1.2, -21.18, -47.81],
      ['barueri', null, 1.1, -23.51, -46.88],
      ['mogi das cruzes', null, 1, -23.52, -46.19],
      ['piracicaba', null, 0.9, -22.73, -47.65],
      ['sao jose do rio preto', 'são josé do rio preto', 0.8, -20.81, -49.38],
      ['bauru', null, 0.7, -22.31, -49.06],
      ['franca', null, 0.6, -20.54, -47.4],
      ['ibitinga', null, 0.3, -21.76, -48.83],
    ],
  },
  {
    code: 'RJ',
    customerShare: 12.92,
    sellerShare: 5.52,
    zipMin: 20000,
    zipMax: 28999,
    cities: [
      ['rio de janeiro', null, 60, -22.91, -43.17],
      ['niteroi', 'niterói', 8, -22.88, -43.1],
      ['sao goncalo', 'são gonçalo', 6, -22.83, -43.05],
      ['nova iguacu', 'nova iguaçu', 5, -22.76, -43.45],
      ['duque de caxias', null, 5, -22.79, -43.31],
      ['petropolis', 'petrópolis', 3, -22.51, -43.18],
      ['campos dos goytacazes', null, 3, -21.75, -41.32],
      ['volta redonda', null, 2, -22.52, -44.1],
    ],
  },
  {
    code: 'MG',
    customerShare: 11.7,
    sellerShare: 7.88,
    zipMin: 30000,
    zipMax: 39999,
    cities: [
      ['belo horizonte', null, 25, -19.92, -43.94],
      ['juiz de fora', null, 6, -21.76, -43.35],
      ['uberlandia', 'uberlândia', 6, -18.92, -48.28],
      ['contagem', null, 5, -19.93, -44.05],
      ['betim', null, 3, -19.97, -44.2],
      ['montes claros', null, 2, -16.73, -43.86],
      ['uberaba', null, 2, -19.75, -47.93],
      ['divinopolis', 'divinópolis', 2, -20.14, -44.88],
      ['ipatinga', null, 2, -19.47, -42.54],
      ['pocos de caldas', 'poços de caldas', 1.5, -21.79, -46.56],
    ],
  },
  {
    code: 'RS',
    customerShare: 5.5,
    sellerShare: 4.0,
    zipMin: 90000,
    zipMax: 99999,
    cities: [
      ['porto alegre', null, 20, -30.03, -51.23],
      ['caxias do sul', null, 5, -29.17, -51.18],
      ['canoas', null, 4, -29.92, -51.18],
      ['pelotas', null, 3, -31.77, -52.34],
      ['santa maria', null, 3, -29.68, -53.81],
      ['novo hamburgo', null, 2, -29.68, -51.13],
      ['passo fundo', null, 2, -28.26, -52.41],
    ],
  },
  {
    code: 'PR',
    customerShare: 5.07,
    sellerShare: 11.31,
    zipMin: 80000,
    zipMax: 87999,
    cities: [
      ['curitiba', null, 20, -25.43, -49.27],
      ['londrina', null, 6, -23.31, -51.16],
      ['maringa', 'maringá', 6, -23.42, -51.94],
      ['ponta grossa', null, 3, -25.09, -50.16],
      ['cascavel', null, 3, -24.96, -53.46],
      ['foz do iguacu', 'foz do iguaçu', 2, -25.55, -54.59],
      ['sao jose dos pinhais', 'são josé dos pinhais', 2, -25.53, -49.21],
    ],
  },
  {
    code: 'SC',
    customerShare: 3.66,
    sellerShare: 3.63,
    zipMin: 88000,
    zipMax: 89999,
    cities: [
      ['florianopolis', 'florianópolis', 10, -27.6, -48.55],
      ['joinville', null, 8, -26.3, -48.85],
      ['blumenau', null, 7, -26.92, -49.07],
      ['sao jose', 'são josé', 5, -27.61, -48.63],
      ['itajai', 'itajaí', 4, -26.91, -48.66],
      ['criciuma', 'criciúma', 3, -28.68, -49.37],
      ['chapeco', 'chapecó', 3, -27.1, -52.62],
      ['balneario camboriu', 'balneário camboriú', 3, -26.99, -48.63],
    ],
  },
  {
    code: 'BA',
    customerShare: 3.4,
    sellerShare: 0.61,
    zipMin: 40000,
    zipMax: 48999,
    cities: [
      ['salvador', null, 20, -12.97, -38.51],
      ['feira de santana', null, 5, -12.27, -38.97],
      ['vitoria da conquista', 'vitória da conquista', 3, -14.86, -40.84],
      ['lauro de freitas', null, 3, -12.89, -38.33],
      ['camacari', 'camaçari', 2, -12.7, -38.32],
      ['ilheus', 'ilhéus', 2, -14.79, -39.05],
      ['itabuna', null, 2, -14.79, -39.28],
    ],
  },
  {
    code: 'DF',
    customerShare: 2.15,
    sellerShare: 0.96,
    zipMin: 70000,
    zipMax: 72799,
    cities: [['brasilia', 'brasília', 1, -15.79, -47.88]],
  },
  {
    code: 'ES',
    customerShare: 2.04,
    sellerShare: 0.74,
    zipMin: 29000,
    zipMax: 29999,
    cities: [
      ['vitoria', 'vitória', 5, -20.32, -40.34],
      ['vila velha', null, 6, -20.33, -40.29],
      ['serra', null, 5, -20.13, -40.31],
      ['cariacica', null, 3, -20.26, -40.42],
      ['cachoeiro de itapemirim', null, 2, -20.85, -41.11],
    ],
  },
  {
    code: 'GO',
    customerShare: 2.03,
    sellerShare: 1.29,
    zipMin: 72800,
    zipMax: 76799,
    cities: [
      ['goiania', 'goiânia', 20, -16.68, -49.25],
      ['aparecida de goiania', 'aparecida de goiânia', 6, -16.82, -49.24],
      ['anapolis', 'anápolis', 4, -16.33, -48.95],
      ['rio verde', null, 2, -17.79, -50.92],
    ],
  },
  {
    code: 'PE',
    customerShare: 1.66,
    sellerShare: 0.29,
    zipMin: 50000,
    zipMax: 56999,
    cities: [
      ['recife', null, 20, -8.05, -34.88],
      ['jaboatao dos guararapes', 'jaboatão dos guararapes', 5, -8.11, -35.01],
      ['olinda', null, 4, -8.01, -34.86],
      ['caruaru', null, 3, -8.28, -35.98],
      ['petrolina', null, 3, -9.39, -40.5],
    ],
  },
  {
    code: 'CE',
    customerShare: 1.34,
    sellerShare: 0.42,
    zipMin: 60000,
    zipMax: 63999,
    cities: [
      ['fortaleza', null, 25, -3.73, -38.52],
      ['caucaia', null, 2, -3.74, -38.66],
      ['juazeiro do norte', null, 2, -7.21, -39.31],
      ['sobral', null, 2, -3.69, -40.35],
    ],
  },
  {
    code: 'PA',
    customerShare: 0.98,
    sellerShare: 0.03,
    zipMin: 66000,
    zipMax: 68899,
    cities: [
      ['belem', 'belém', 15, -1.46, -48.49],
      ['ananindeua', null, 5, -1.37, -48.37],
      ['santarem', 'santarém', 2, -2.44, -54.71],
      ['maraba', 'marabá', 2, -5.37, -49.12],
    ],
  },
  {
    code: 'MT',
    customerShare: 0.91,
    sellerShare: 0.13,
    zipMin: 78000,
    zipMax: 78899,
    cities: [
      ['cuiaba', 'cuiabá', 10, -15.6, -56.1],
      ['varzea grande', 'várzea grande', 4, -15.65, -56.13],
      ['rondonopolis', 'rondonópolis', 3, -16.47, -54.64],
      ['sinop', null, 2, -11.86, -55.5],
    ],
  },
  {
    code: 'MA',
    customerShare: 0.75,
    sellerShare: 0.03,
    zipMin: 65000,
    zipMax: 65999,
    cities: [
      ['sao luis', 'são luís', 15, -2.53, -44.3],
      ['imperatriz', null, 4, -5.53, -47.48],
      ['timon', null, 2, -5.09, -42.84],
    ],
  },
  {
    code: 'MS',
    customerShare: 0.72,
    sellerShare: 0.16,
    zipMin: 79000,
    zipMax: 79999,
    cities: [
      ['campo grande', null, 15, -20.47, -54.62],
      ['dourados', null, 4, -22.22, -54.81],
      ['tres lagoas', 'três lagoas', 2, -20.75, -51.68],
    ],
  },
  {
    code: 'PB',
    customerShare: 0.54,
    sellerShare: 0.19,
    zipMin: 58000,
    zipMax: 58999,
    cities: [
      ['joao pessoa', 'joão pessoa', 12, -7.12, -34.86],
      ['campina grande', null, 5, -7.23, -35.88],
    ],
  },
  {
    code: 'PI',
    customerShare: 0.5,
    sellerShare: 0.03,
    zipMin: 64000,
    zipMax: 64999,
    cities: [
      ['teresina', null, 12, -5.09, -42.8],
      ['parnaiba', 'parnaíba', 2, -2.9, -41.77],
    ],
  },
  {
    code: 'RN',
    customerShare: 0.49,
    sellerShare: 0.16,
    zipMin: 59000,
    zipMax: 59999,
    cities: [
      ['natal', null, 12, -5.79, -35.2],
      ['mossoro', 'mossoró', 3, -5.19, -37.34],
      ['parnamirim', null, 3, -5.91, -35.26],
    ],
  },
  {
    code: 'AL',
    customerShare: 0.42,
    sellerShare: 0.03,
    zipMin: 57000,
    zipMax: 57999,
    cities: [
      ['maceio', 'maceió', 12, -9.67, -35.74],
      ['arapiraca', null, 3, -9.75, -36.66],
    ],
  },
  {
    code: 'SE',
    customerShare: 0.35,
    sellerShare: 0.06,
    zipMin: 49000,
    zipMax: 49999,
    cities: [
      ['aracaju', null, 12, -10.91, -37.07],
      ['nossa senhora do socorro', null, 2, -10.86, -37.13],
    ],
  },
  {
    code: 'TO',
    customerShare: 0.28,
    sellerShare: 0.03,
    zipMin: 77000,
    zipMax: 77999,
    cities: [
      ['palmas', null, 6, -10.18, -48.33],
      ['araguaina', 'araguaína', 3, -7.19, -48.21],
      ['gurupi', null, 2, -11.73, -49.07],
    ],
  },
  {
    code: 'RO',
    customerShare: 0.25,
    sellerShare: 0.06,
    zipMin: 76800,
    zipMax: 76999,
    cities: [
      ['porto velho', null, 6, -8.76, -63.9],
      ['ji-parana', 'ji-paraná', 3, -10.88, -61.95],
      ['ariquemes', null, 2, -9.91, -63.04],
    ],
  },
  {
    code: 'AM',
    customerShare: 0.15,
    sellerShare: 0.03,
    zipMin: 69000,
    zipMax: 69299,
    cities: [
      ['manaus', null, 12, -3.12, -60.02],
      ['parintins', null, 1, -2.63, -56.74],
    ],
  },
  {
    code: 'AC',
    customerShare: 0.08,
    sellerShare: 0.03,
    zipMin: 69900,
    zipMax: 69999,
    cities: [
      ['rio branco', null, 6, -9.97, -67.81],
      ['cruzeiro do sul', null, 1, -7.63, -72.67],
    ],
  },
  {
    code: 'AP',
    customerShare: 0.07,
    sellerShare: 0,
    zipMin: 68900,
    zipMax: 68999,
    cities: [
      ['macapa', 'macapá', 6, 0.03, -51.07],
      ['santana', null, 2, -0.06, -51.17],
    ],
  },
  {
    code: 'RR',
    customerShare: 0.05,
    sellerShare: 0,
    zipMin: 69300,
    zipMax: 69389,
    cities: [['boa vista', null, 6, 2.82, -60.67]],
  },
];

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
