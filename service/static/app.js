// Search page of GIP Search: reads the search state from the URL query, calls
// GET /v1/search and GET /v1/projects/{id}/similar, and renders the results in
// Arabic (RTL, the default) or English (LTR).
//
// Plain browser JavaScript with no build step and no libraries, because the page
// is embedded in the service binary and must work on closed ministry networks.
// Everything that comes from the API is inserted with textContent, except the
// <mark> tags inside highlight fragments (see appendHighlightFragment).
'use strict';

(() => {
  // ---------------------------------------------------------------------------
  // Constants and translations
  // ---------------------------------------------------------------------------

  const COUNTRY_CODES = ['SA', 'AE', 'QA', 'KW', 'BH', 'OM'];
  const STATUS_CODES = ['planned', 'under_construction', 'operational', 'suspended', 'cancelled'];
  const MODES = ['hybrid', 'semantic', 'keyword'];
  const LANGS = ['ar', 'en'];

  const DEFAULT_LIMIT = 10;
  // NOTE: the service's own maximum page size is not known to the page, so a
  // larger `limit=` from a URL is reduced to this guess and may still be rejected.
  const MAX_LIMIT = 100;
  const MIN_YEAR = 1900;
  const MAX_YEAR = 2100;
  const LANG_STORAGE_KEY = 'gip-search-lang';
  const MILLION = 1e6;
  const BILLION = 1e9;

  const MESSAGES = {
    ar: {
      pageTitle: 'بحث المشاريع الصناعية الخليجية',
      brandTitle: 'مشاريع الخليج الصناعية',
      brandSubtitle: 'البحث في سجلات المشاريع الصناعية لدول مجلس التعاون',
      skipToResults: 'تخطَّ إلى النتائج',
      langToggleText: 'English',
      langToggleLabel: 'Switch to English',
      questionLabel: 'سؤالك',
      questionPlaceholder: 'اكتب سؤالك، مثل: مصانع الأسمدة في الجبيل',
      searchButton: 'بحث',
      modeLegend: 'طريقة البحث',
      modeHybrid: 'هجين',
      modeSemantic: 'دلالي',
      modeKeyword: 'كلمات',
      understandLabel: 'فهم السؤال (استخراج الدولة والقطاع والحالة تلقائياً)',
      advancedSummary: 'تصفية متقدمة',
      minInvestmentLabel: 'أدنى استثمار (مليون دولار)',
      maxInvestmentLabel: 'أعلى استثمار (مليون دولار)',
      yearFromLabel: 'من سنة',
      yearToLabel: 'إلى سنة',
      chipsHeading: 'عوامل التصفية',
      facetsHeading: 'تصفية النتائج',
      resultsHeading: 'النتائج',
      moreResults: 'نتائج أخرى',
      welcome: 'اكتب سؤالاً بالعربية أو الإنجليزية عن المشاريع الصناعية في السعودية والإمارات وقطر والكويت والبحرين وعُمان.',
      facetCountry: 'الدولة',
      facetSector: 'القطاع',
      facetStatus: 'الحالة',
      investment: 'الاستثمار',
      location: 'الموقع',
      years: 'السنوات',
      interpretationPrefix: 'فهمنا سؤالك على أنه: ',
      understoodTag: 'من السؤال',
      removeFilter: 'إزالة عامل التصفية: {label}',
      clearFilters: 'إزالة كل عوامل التصفية',
      loading: 'جارٍ البحث…',
      resultCount: {
        zero: 'لا توجد نتائج',
        one: 'نتيجة واحدة',
        two: 'نتيجتان',
        few: '{n} نتائج',
        many: '{n} نتيجة',
        other: '{n} نتيجة',
      },
      // Words rather than a dash, because a dash between two numbers reads
      // ambiguously in right-to-left text.
      showing: 'عرض {from} إلى {to}',
      took: '{ms} ملّي ثانية',
      emptyTitle: 'لم نجد مشاريع تطابق سؤالك.',
      emptyFilters: 'طُبّقت عوامل التصفية التالية: {list}. جرّب إزالة بعضها.',
      emptyUnderstood: 'استُخرج بعض عوامل التصفية من صياغة السؤال.',
      emptyNoFilters: 'جرّب كلمات أخرى أو طريقة بحث مختلفة.',
      emptyPastEnd: 'لا توجد نتائج بعد الموضع {offset}.',
      backToFirst: 'العودة إلى أول النتائج',
      searchWithoutUnderstanding: 'ابحث دون فهم السؤال',
      errorNetwork: 'تعذّر الاتصال بخدمة البحث. تحقّق من الاتصال ثم أعد المحاولة.',
      errorStatus: 'أعادت خدمة البحث الخطأ {status}.',
      errorBadResponse: 'أعادت خدمة البحث ردّاً غير صالح. أعد المحاولة أو أبلغ مسؤول الخدمة.',
      requestId: 'رقم الطلب: {id}',
      errorEmptyQuery: 'اكتب سؤالاً قبل البحث.',
      errorNumber: 'أدخل رقماً موجباً أو صفراً في حقل «{field}».',
      errorYear: 'أدخل سنة بين 1900 و2100 في حقل «{field}».',
      errorInvestmentRange: 'يجب ألا يزيد أدنى استثمار على أعلى استثمار.',
      errorYearRange: 'يجب ألا تأتي «من سنة» بعد «إلى سنة».',
      details: 'تفاصيل أخرى',
      otherLanguage: 'بالإنجليزية',
      name: 'الاسم',
      description: 'الوصف',
      city: 'المدينة',
      zone: 'المنطقة الصناعية',
      owner: 'المالك',
      products: 'المنتجات',
      capacity: 'الطاقة الإنتاجية',
      employment: 'فرص العمل',
      originalInvestment: 'الاستثمار بالعملة الأصلية',
      recordId: 'رقم السجل',
      updatedAt: 'آخر تحديث',
      similar: 'مشاريع مشابهة',
      similarLoading: 'جارٍ تحميل المشاريع المشابهة…',
      similarEmpty: 'لا توجد مشاريع مشابهة.',
      noName: '(بلا اسم)',
      yearsRange: 'من {start} إلى {end}',
      yearsFrom: 'منذ {start}',
      yearsUntil: 'حتى {end}',
      minInvestmentChip: 'استثمار لا يقل عن {value}',
      maxInvestmentChip: 'استثمار لا يزيد على {value}',
      yearFromChip: 'من سنة {year}',
      yearToChip: 'حتى سنة {year}',
      sectorFallback: 'ISIC {code}',
      listSeparator: '، ',
      billion: '{n} مليار {currency}',
      million: '{n} مليون {currency}',
      plain: '{n} {currency}',
    },
    en: {
      pageTitle: 'Gulf Industrial Projects Search',
      brandTitle: 'Gulf Industrial Projects',
      brandSubtitle: 'Search the industrial project records of the GCC states',
      skipToResults: 'Skip to results',
      langToggleText: 'العربية',
      langToggleLabel: 'التبديل إلى العربية',
      questionLabel: 'Your question',
      questionPlaceholder: 'Type your question, e.g. aluminium smelters in Bahrain',
      searchButton: 'Search',
      modeLegend: 'Search mode',
      modeHybrid: 'Hybrid',
      modeSemantic: 'Semantic',
      modeKeyword: 'Keyword',
      understandLabel: 'Understand the question (detect country, sector and status automatically)',
      advancedSummary: 'More filters',
      minInvestmentLabel: 'Minimum investment (USD million)',
      maxInvestmentLabel: 'Maximum investment (USD million)',
      yearFromLabel: 'From year',
      yearToLabel: 'To year',
      chipsHeading: 'Filters',
      facetsHeading: 'Refine results',
      resultsHeading: 'Results',
      moreResults: 'More results',
      welcome: 'Ask in Arabic or English about industrial projects in Saudi Arabia, the UAE, Qatar, Kuwait, Bahrain and Oman.',
      facetCountry: 'Country',
      facetSector: 'Sector',
      facetStatus: 'Status',
      investment: 'Investment',
      location: 'Location',
      years: 'Years',
      interpretationPrefix: 'We understood your question as: ',
      understoodTag: 'from your question',
      removeFilter: 'Remove filter: {label}',
      clearFilters: 'Clear all filters',
      loading: 'Searching…',
      resultCount: {
        zero: 'No results',
        one: '1 result',
        other: '{n} results',
      },
      showing: 'showing {from}–{to}',
      took: '{ms} ms',
      emptyTitle: 'No projects match your question.',
      emptyFilters: 'These filters were applied: {list}. Try removing some of them.',
      emptyUnderstood: 'Some filters were taken from the wording of your question.',
      emptyNoFilters: 'Try other words or a different search mode.',
      emptyPastEnd: 'There are no results past position {offset}.',
      backToFirst: 'Back to the first results',
      searchWithoutUnderstanding: 'Search without question understanding',
      errorNetwork: 'Could not reach the search service. Check the connection and try again.',
      errorStatus: 'The search service returned error {status}.',
      errorBadResponse: 'The search service returned an invalid response. Try again or tell the service administrator.',
      requestId: 'Request id: {id}',
      errorEmptyQuery: 'Type a question before searching.',
      errorNumber: 'Enter a number of zero or more in “{field}”.',
      errorYear: 'Enter a year from 1900 to 2100 in “{field}”.',
      errorInvestmentRange: 'The minimum investment must not exceed the maximum.',
      errorYearRange: '“From year” must not be after “To year”.',
      details: 'More details',
      otherLanguage: 'In Arabic',
      name: 'Name',
      description: 'Description',
      city: 'City',
      zone: 'Industrial zone',
      owner: 'Owner',
      products: 'Products',
      capacity: 'Capacity',
      employment: 'Jobs',
      originalInvestment: 'Investment in original currency',
      recordId: 'Record id',
      updatedAt: 'Last updated',
      similar: 'Similar projects',
      similarLoading: 'Loading similar projects…',
      similarEmpty: 'No similar projects found.',
      noName: '(no name)',
      yearsRange: '{start}–{end}',
      yearsFrom: 'since {start}',
      yearsUntil: 'until {end}',
      minInvestmentChip: 'Investment at least {value}',
      maxInvestmentChip: 'Investment at most {value}',
      yearFromChip: 'From {year}',
      yearToChip: 'Until {year}',
      sectorFallback: 'ISIC {code}',
      listSeparator: ', ',
      billion: '{currency} {n} bn',
      million: '{currency} {n} m',
      plain: '{currency} {n}',
    },
  };

  const COUNTRY_NAMES = {
    ar: {
      SA: 'المملكة العربية السعودية',
      AE: 'الإمارات العربية المتحدة',
      QA: 'قطر',
      KW: 'الكويت',
      BH: 'البحرين',
      OM: 'عُمان',
    },
    en: {
      SA: 'Saudi Arabia',
      AE: 'United Arab Emirates',
      QA: 'Qatar',
      KW: 'Kuwait',
      BH: 'Bahrain',
      OM: 'Oman',
    },
  };

  const STATUS_NAMES = {
    ar: {
      planned: 'مخطط له',
      under_construction: 'قيد الإنشاء',
      operational: 'قيد التشغيل',
      suspended: 'متوقف',
      cancelled: 'ملغى',
    },
    en: {
      planned: 'Planned',
      under_construction: 'Under construction',
      operational: 'Operational',
      suspended: 'Suspended',
      cancelled: 'Cancelled',
    },
  };

  // Arabic names of the currencies a record may use. English shows the ISO code.
  const CURRENCY_NAMES_AR = {
    USD: 'دولار',
    SAR: 'ريال سعودي',
    AED: 'درهم إماراتي',
    QAR: 'ريال قطري',
    KWD: 'دينار كويتي',
    BHD: 'دينار بحريني',
    OMR: 'ريال عُماني',
  };

  // Filter kinds shared by the page URL, the API query and the chips. `param` is
  // the query parameter, and `understood` is the key in `interpretation.filters`.
  const LIST_FILTERS = [
    { kind: 'country', param: 'country', understood: 'countries', stateKey: 'countries' },
    { kind: 'sector', param: 'sector', understood: 'isic', stateKey: 'sectors' },
    { kind: 'status', param: 'status', understood: 'statuses', stateKey: 'statuses' },
  ];
  // NOTE: the API contract names only `investment_usd_min`, so the other three
  // `understood` keys are assumed to follow its naming.
  const NUMBER_FILTERS = [
    { kind: 'minInvestment', param: 'min_investment_usd', understood: 'investment_usd_min', stateKey: 'minInvestment' },
    { kind: 'maxInvestment', param: 'max_investment_usd', understood: 'investment_usd_max', stateKey: 'maxInvestment' },
    { kind: 'yearFrom', param: 'year_from', understood: 'year_from', stateKey: 'yearFrom' },
    { kind: 'yearTo', param: 'year_to', understood: 'year_to', stateKey: 'yearTo' },
  ];

  // ---------------------------------------------------------------------------
  // Small helpers
  // ---------------------------------------------------------------------------

  /** Returns the translated message `key` with `{name}` placeholders filled. */
  function t(lang, key, params) {
    const template = MESSAGES[lang][key] ?? MESSAGES.en[key] ?? key;
    return fillTemplate(template, params);
  }

  function fillTemplate(template, params) {
    if (!params) {
      return template;
    }
    return template.replace(/\{(\w+)\}/g, (whole, name) =>
      Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
  }

  /** Returns "N results" with the plural form of `lang` (Arabic has six). */
  function formatResultCount(lang, count) {
    const forms = MESSAGES[lang].resultCount;
    const rule = count === 0 ? 'zero' : new Intl.PluralRules(lang).select(count);
    const template = forms[rule] ?? forms.other;
    return fillTemplate(template, { n: formatInteger(count) });
  }

  // Western digits in both languages, as Gulf ministry documents commonly use.
  const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const oneDecimalFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

  function formatInteger(value) {
    return integerFormat.format(value);
  }

  /**
   * Formats a money amount as "1.2 مليار دولار" / "USD 1.2 bn". Returns null when
   * `amount` is not a finite number of zero or more.
   */
  function formatMoney(lang, amount, currency) {
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      return null;
    }

    const code = typeof currency === 'string' && currency ? currency : 'USD';
    const currencyName = lang === 'ar' ? (CURRENCY_NAMES_AR[code] ?? code) : code;

    let key = 'plain';
    let scaled = amount;
    if (amount >= BILLION) {
      key = 'billion';
      scaled = amount / BILLION;
    } else if (amount >= MILLION) {
      key = 'million';
      scaled = amount / MILLION;
    }

    const number = key === 'plain' ? formatInteger(scaled)
      : (scaled < 100 ? oneDecimalFormat.format(scaled) : formatInteger(scaled));
    return t(lang, key, { n: number, currency: currencyName });
  }

  function formatYears(lang, start, completion) {
    const hasStart = Number.isInteger(start);
    const hasEnd = Number.isInteger(completion);
    if (hasStart && hasEnd) {
      return start === completion ? String(start) : t(lang, 'yearsRange', { start, end: completion });
    }
    if (hasStart) {
      return t(lang, 'yearsFrom', { start });
    }
    if (hasEnd) {
      return t(lang, 'yearsUntil', { end: completion });
    }
    return null;
  }

  function otherLang(lang) {
    return lang === 'ar' ? 'en' : 'ar';
  }

  /**
   * Picks the text of a bilingual `{ar, en}` object in `lang`, falling back to
   * the other language. Returns `{text, lang}`, or null when both are empty.
   */
  function pickText(bilingual, lang) {
    if (!bilingual || typeof bilingual !== 'object') {
      return null;
    }
    for (const candidate of [lang, otherLang(lang)]) {
      const value = bilingual[candidate];
      if (typeof value === 'string' && value.trim() !== '') {
        return { text: value, lang: candidate };
      }
    }
    return null;
  }

  /** Returns the text of `bilingual` in exactly `lang`, or null. */
  function exactText(bilingual, lang) {
    if (!bilingual || typeof bilingual !== 'object') {
      return null;
    }
    const value = bilingual[lang];
    return typeof value === 'string' && value.trim() !== '' ? value : null;
  }

  function countryName(lang, code) {
    return COUNTRY_NAMES[lang][code] ?? String(code);
  }

  function statusName(lang, code) {
    return STATUS_NAMES[lang][code] ?? String(code).replace(/_/g, ' ');
  }

  /**
   * Creates an element. Attributes whose value is null or false are skipped.
   * Children are nodes or strings, and strings become text nodes, never HTML.
   */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs ?? {})) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (name === 'className') {
        node.className = value;
      } else if (name === 'text') {
        node.textContent = value;
      } else {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) {
        continue;
      }
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  /** Creates an element holding record text, tagged with its language and direction. */
  function textIn(tag, picked, className) {
    return el(tag, { className, lang: picked.lang, dir: picked.lang === 'ar' ? 'rtl' : 'ltr' }, picked.text);
  }

  /**
   * Appends a highlight fragment to `parent`, keeping only <mark> elements.
   *
   * Fragments arrive HTML-escaped with <mark> as the only tag. They are parsed
   * with DOMParser, whose documents are inert (no scripts run, nothing loads), and
   * rebuilt from text nodes and fresh <mark> elements, so any other tag or
   * attribute that slips through is dropped while its text is kept.
   */
  function appendHighlightFragment(parent, fragment) {
    if (typeof fragment !== 'string') {
      return;
    }
    const parsed = new DOMParser().parseFromString(`<body>${fragment}</body>`, 'text/html');
    copySafeNodes(parsed.body, parent, false);
  }

  function copySafeNodes(source, target, insideMark) {
    for (const node of source.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        target.append(document.createTextNode(node.nodeValue));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const tag = node.nodeName.toLowerCase();
        if (tag === 'script' || tag === 'style' || tag === 'template') {
          continue;
        }
        if (tag === 'mark' && !insideMark) {
          const mark = document.createElement('mark');
          copySafeNodes(node, mark, true);
          target.append(mark);
        } else {
          copySafeNodes(node, target, insideMark);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------
  // Search state and the URL query
  // ---------------------------------------------------------------------------

  function readStoredLang() {
    try {
      const stored = window.localStorage.getItem(LANG_STORAGE_KEY);
      return LANGS.includes(stored) ? stored : null;
    } catch (error) {
      // Storage is unavailable in some locked-down browsers. The URL still works.
      return null;
    }
  }

  function storeLang(lang) {
    try {
      window.localStorage.setItem(LANG_STORAGE_KEY, lang);
    } catch (error) {
      console.warn('could not store the language choice', error);
    }
  }

  function parseNonNegative(raw) {
    if (raw === null || raw.trim() === '') {
      return null;
    }
    const value = Number(raw);
    return Number.isFinite(value) && value >= 0 ? value : null;
  }

  function parseYear(raw) {
    const value = parseNonNegative(raw);
    return Number.isInteger(value) && value >= MIN_YEAR && value <= MAX_YEAR ? value : null;
  }

  function uniqueValid(values, isValid) {
    const seen = [];
    for (const value of values) {
      if (isValid(value) && !seen.includes(value)) {
        seen.push(value);
      }
    }
    return seen;
  }

  function isSectorCode(value) {
    return /^[0-9]{2,4}$/.test(value);
  }

  /**
   * Reads the search state from a URL query string. Invalid values are dropped,
   * so a hand-edited link still loads. The language comes from `lang=`, then from
   * the stored choice, then defaults to Arabic.
   */
  function readState(search) {
    const params = new URLSearchParams(search);
    const langParam = params.get('lang');
    const modeParam = params.get('mode');
    const limit = parseNonNegative(params.get('limit'));
    const offset = parseNonNegative(params.get('offset'));

    return {
      q: (params.get('q') ?? '').trim(),
      lang: LANGS.includes(langParam) ? langParam : (readStoredLang() ?? 'ar'),
      mode: MODES.includes(modeParam) ? modeParam : 'hybrid',
      understand: params.get('understand') !== 'false',
      offset: Number.isInteger(offset) ? offset : 0,
      limit: Number.isInteger(limit) && limit >= 1 ? Math.min(limit, MAX_LIMIT) : DEFAULT_LIMIT,
      countries: uniqueValid(params.getAll('country').map((c) => c.toUpperCase()), (c) => COUNTRY_CODES.includes(c)),
      sectors: uniqueValid(params.getAll('sector'), isSectorCode),
      statuses: uniqueValid(params.getAll('status'), (s) => STATUS_CODES.includes(s)),
      minInvestment: parseNonNegative(params.get('min_investment_usd')),
      maxInvestment: parseNonNegative(params.get('max_investment_usd')),
      yearFrom: parseYear(params.get('year_from')),
      yearTo: parseYear(params.get('year_to')),
    };
  }

  /**
   * Writes the state as query parameters. The API form carries every parameter,
   * and the page URL leaves out defaults so shared links stay short.
   */
  function stateToParams(state, forApi) {
    const params = new URLSearchParams();
    params.set('q', state.q);
    params.set('lang', state.lang);
    params.set('mode', state.mode);
    if (forApi || !state.understand) {
      params.set('understand', String(state.understand));
    }
    if (forApi || state.limit !== DEFAULT_LIMIT) {
      params.set('limit', String(state.limit));
    }
    if (forApi || state.offset !== 0) {
      params.set('offset', String(state.offset));
    }
    for (const filter of LIST_FILTERS) {
      for (const value of state[filter.stateKey]) {
        params.append(filter.param, value);
      }
    }
    for (const filter of NUMBER_FILTERS) {
      if (state[filter.stateKey] !== null) {
        params.set(filter.param, String(state[filter.stateKey]));
      }
    }
    return params;
  }

  function pageUrl(state) {
    return `${window.location.pathname}?${stateToParams(state, false)}`;
  }

  /** Lists the filters of a state as `{kind, value}` items, one per chip. */
  function explicitFilterItems(state) {
    const items = [];
    for (const filter of LIST_FILTERS) {
      for (const value of state[filter.stateKey]) {
        items.push({ kind: filter.kind, value });
      }
    }
    for (const filter of NUMBER_FILTERS) {
      if (state[filter.stateKey] !== null) {
        items.push({ kind: filter.kind, value: state[filter.stateKey] });
      }
    }
    return items;
  }

  /** Lists the filters in `interpretation.filters` as `{kind, value}` items. */
  function understoodFilterItems(filters) {
    const items = [];
    if (!filters || typeof filters !== 'object') {
      return items;
    }
    for (const filter of LIST_FILTERS) {
      const values = Array.isArray(filters[filter.understood]) ? filters[filter.understood] : [];
      for (const value of values) {
        items.push({ kind: filter.kind, value: String(value) });
      }
    }
    for (const filter of NUMBER_FILTERS) {
      const value = filters[filter.understood];
      if (typeof value === 'number' && Number.isFinite(value)) {
        items.push({ kind: filter.kind, value });
      }
    }
    return items;
  }

  function sameItem(a, b) {
    return a.kind === b.kind && String(a.value) === String(b.value);
  }

  /** Returns a copy of `state` whose filters are exactly `items`. */
  function withFilters(state, items) {
    const next = { ...state, countries: [], sectors: [], statuses: [] };
    for (const filter of NUMBER_FILTERS) {
      next[filter.stateKey] = null;
    }
    for (const item of items) {
      const list = LIST_FILTERS.find((filter) => filter.kind === item.kind);
      if (list) {
        if (!next[list.stateKey].includes(item.value)) {
          next[list.stateKey] = [...next[list.stateKey], item.value];
        }
        continue;
      }
      const number = NUMBER_FILTERS.find((filter) => filter.kind === item.kind);
      if (number) {
        next[number.stateKey] = item.value;
      }
    }
    return next;
  }

  // ---------------------------------------------------------------------------
  // API calls
  // ---------------------------------------------------------------------------

  /** Failure of an API call; `body` is the parsed error body, or null. */
  class ApiError extends Error {
    constructor(status, body) {
      super(`request failed with status ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  /**
   * Fetches `url` and returns the parsed JSON body. Raises ApiError for a 4xx or
   * 5xx status or a body that is not JSON, and the fetch error (a TypeError, or
   * an AbortError when `signal` fires) when the service cannot be reached.
   */
  async function fetchJson(url, signal) {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, signal });
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      if (error.name === 'AbortError') {
        throw error;
      }
      throw new ApiError(response.status, null);
    }
    if (!response.ok) {
      throw new ApiError(response.status, body);
    }
    return body;
  }

  /** Turns a failed call into the message to show, in the UI language. */
  function errorMessage(lang, error) {
    if (!(error instanceof ApiError)) {
      return { text: t(lang, 'errorNetwork'), requestId: null };
    }

    const body = error.body && typeof error.body === 'object' ? error.body : {};
    const preferred = lang === 'ar' ? body.message_ar : body.message;
    const fallback = lang === 'ar' ? body.message : body.message_ar;
    let text = [preferred, fallback].find((m) => typeof m === 'string' && m.trim() !== '');
    if (!text) {
      text = error.status >= 200 && error.status < 300
        ? t(lang, 'errorBadResponse')
        : t(lang, 'errorStatus', { status: error.status });
    }
    const requestId = typeof body.request_id === 'string' ? body.request_id : null;
    return { text, requestId };
  }

  // ---------------------------------------------------------------------------
  // Page controller
  // ---------------------------------------------------------------------------

  const dom = {};
  const view = {
    state: null,
    // Hits shown so far, across "more results" pages.
    shownCount: 0,
    total: 0,
    lastResponse: null,
    // Sector labels seen in facets and hits, by ISIC code, for chip labels.
    sectorLabels: new Map(),
    controller: null,
    cardCounter: 0,
    // Understood filters that are not also explicit, as rendered in the chips.
    understoodItems: [],
  };

  function init() {
    for (const id of ['search-form', 'q', 'understand', 'lang-toggle', 'min-investment', 'max-investment',
      'year-from', 'year-to', 'advanced', 'form-error', 'chips-area', 'interpretation', 'chips',
      'facets', 'facet-groups', 'results', 'result-summary', 'search-error', 'warnings', 'empty', 'cards',
      'more', 'welcome']) {
      dom[id] = document.getElementById(id);
    }

    dom['search-form'].addEventListener('submit', onSubmit);
    for (const radio of document.querySelectorAll('input[name="mode"]')) {
      radio.addEventListener('change', onOptionChange);
    }
    dom.understand.addEventListener('change', onOptionChange);
    dom['lang-toggle'].addEventListener('click', onLangToggle);
    dom.more.addEventListener('click', onMore);
    window.addEventListener('popstate', () => loadFromUrl(false));

    loadFromUrl(true);
  }

  /** Reads the URL, updates the form and runs the search in it, if any. */
  function loadFromUrl(initial) {
    const state = readState(window.location.search);
    view.state = state;
    applyLanguage(state.lang);
    syncForm(state);

    // Record a language that came from storage in the URL, so the link shares it.
    if (initial && state.q) {
      window.history.replaceState(null, '', pageUrl(state));
    }

    if (state.q) {
      runSearch(state, { append: false, push: false });
    } else {
      clearResults();
    }
  }

  function syncForm(state) {
    dom.q.value = state.q;
    for (const radio of document.querySelectorAll('input[name="mode"]')) {
      radio.checked = radio.value === state.mode;
    }
    dom.understand.checked = state.understand;
    dom['min-investment'].value = state.minInvestment === null ? '' : String(state.minInvestment / MILLION);
    dom['max-investment'].value = state.maxInvestment === null ? '' : String(state.maxInvestment / MILLION);
    dom['year-from'].value = state.yearFrom === null ? '' : String(state.yearFrom);
    dom['year-to'].value = state.yearTo === null ? '' : String(state.yearTo);
    if (state.minInvestment !== null || state.maxInvestment !== null || state.yearFrom !== null || state.yearTo !== null) {
      dom.advanced.open = true;
    }
    hideFormError();
  }

  /** Sets the page language: direction, `lang`, every label and the toggle. */
  function applyLanguage(lang) {
    const root = document.documentElement;
    root.lang = lang;
    root.dir = lang === 'ar' ? 'rtl' : 'ltr';
    document.title = t(lang, 'pageTitle');

    for (const node of document.querySelectorAll('[data-i18n]')) {
      node.textContent = t(lang, node.dataset.i18n);
    }
    for (const node of document.querySelectorAll('[data-i18n-placeholder]')) {
      node.placeholder = t(lang, node.dataset.i18nPlaceholder);
    }

    const toggle = dom['lang-toggle'];
    toggle.textContent = t(lang, 'langToggleText');
    toggle.lang = otherLang(lang);
    toggle.setAttribute('aria-label', t(lang, 'langToggleLabel'));
  }

  /**
   * Reads the form into a new state, keeping the current facet filters. Returns
   * null and shows why when a field is invalid.
   */
  function stateFromForm() {
    const lang = view.state.lang;
    const checkedMode = document.querySelector('input[name="mode"]:checked');
    const next = {
      ...view.state,
      q: dom.q.value.trim(),
      mode: checkedMode ? checkedMode.value : 'hybrid',
      understand: dom.understand.checked,
      offset: 0,
    };

    const fields = [
      { input: dom['min-investment'], key: 'minInvestment', label: 'minInvestmentLabel', scale: MILLION },
      { input: dom['max-investment'], key: 'maxInvestment', label: 'maxInvestmentLabel', scale: MILLION },
      { input: dom['year-from'], key: 'yearFrom', label: 'yearFromLabel', year: true },
      { input: dom['year-to'], key: 'yearTo', label: 'yearToLabel', year: true },
    ];
    for (const field of fields) {
      const raw = field.input.value;
      if (raw.trim() === '') {
        next[field.key] = null;
        continue;
      }
      const value = field.year ? parseYear(raw) : parseNonNegative(raw);
      if (value === null) {
        const key = field.year ? 'errorYear' : 'errorNumber';
        showFormError(t(lang, key, { field: t(lang, field.label) }), field.input);
        return null;
      }
      next[field.key] = field.scale ? value * field.scale : value;
    }

    if (next.minInvestment !== null && next.maxInvestment !== null && next.minInvestment > next.maxInvestment) {
      showFormError(t(lang, 'errorInvestmentRange'), dom['min-investment']);
      return null;
    }
    if (next.yearFrom !== null && next.yearTo !== null && next.yearFrom > next.yearTo) {
      showFormError(t(lang, 'errorYearRange'), dom['year-from']);
      return null;
    }
    if (!next.q) {
      showFormError(t(lang, 'errorEmptyQuery'), dom.q);
      return null;
    }

    hideFormError();
    return next;
  }

  function showFormError(message, input) {
    if (dom.advanced.contains(input)) {
      dom.advanced.open = true;
    }
    dom['form-error'].textContent = message;
    dom['form-error'].hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  function hideFormError() {
    dom['form-error'].hidden = true;
    dom['form-error'].textContent = '';
    for (const input of [dom.q, dom['min-investment'], dom['max-investment'], dom['year-from'], dom['year-to']]) {
      input.removeAttribute('aria-invalid');
    }
  }

  function onSubmit(event) {
    event.preventDefault();
    const next = stateFromForm();
    if (next) {
      runSearch(next, { append: false, push: true });
    }
  }

  function onOptionChange() {
    if (!dom.q.value.trim()) {
      return;
    }
    const next = stateFromForm();
    if (next) {
      runSearch(next, { append: false, push: true });
    }
  }

  function onLangToggle() {
    const lang = otherLang(view.state.lang);
    storeLang(lang);
    const next = { ...view.state, lang };
    view.state = next;
    applyLanguage(lang);
    hideFormError();

    if (next.q) {
      // The API takes the language too (summaries, highlights), so search again.
      runSearch(next, { append: false, push: false, replace: true });
    } else {
      window.history.replaceState(null, '', pageUrl(next));
    }
  }

  function onMore() {
    const next = { ...view.state, offset: view.state.offset + view.shownCount };
    // NOTE: appended pages do not change the URL, so a shared link reopens the
    // first page of the view (or the `offset=` it was opened with).
    runSearch(next, { append: true, push: false });
  }

  /** Changes the filters to `items`, optionally with understanding off, and searches. */
  function searchWithFilters(items, understand) {
    const next = withFilters({ ...view.state, offset: 0, understand }, items);
    syncForm(next);
    runSearch(next, { append: false, push: true });
  }

  // ---------------------------------------------------------------------------
  // Running a search
  // ---------------------------------------------------------------------------

  /**
   * Calls /v1/search for `state` and renders the response. With `append`, the
   * hits are added below the current cards ("more results"); otherwise they
   * replace them. A newer search cancels an older one still in flight.
   */
  async function runSearch(state, options) {
    if (view.controller) {
      view.controller.abort();
    }
    const controller = new AbortController();
    view.controller = controller;

    if (!options.append) {
      view.state = state;
      if (options.push) {
        window.history.pushState(null, '', pageUrl(state));
      } else if (options.replace) {
        window.history.replaceState(null, '', pageUrl(state));
      }
    }

    setLoading(true, options.append);
    const url = `/v1/search?${stateToParams(state, true)}`;

    let response;
    try {
      response = await fetchJson(url, controller.signal);
      validateSearchResponse(response);
    } catch (error) {
      if (error.name === 'AbortError') {
        return;
      }
      console.error('search failed', url, error);
      setLoading(false, options.append);
      showError(error, options.append);
      return;
    } finally {
      if (view.controller === controller && controller.signal.aborted === false) {
        view.controller = null;
      }
    }

    setLoading(false, options.append);
    // An appended page is rendered against the view's state, whose offset is
    // where the first card on screen starts.
    renderResponse(options.append ? view.state : state, response, options.append);
  }

  /** Raises ApiError when a 200 body lacks the fields the page needs. */
  function validateSearchResponse(response) {
    if (!response || typeof response !== 'object' || !Array.isArray(response.hits)) {
      throw new ApiError(200, response && typeof response === 'object' ? response : null);
    }
  }

  function setLoading(loading, append) {
    dom.results.setAttribute('aria-busy', String(loading));
    document.body.classList.toggle('is-loading', loading);
    dom.more.disabled = loading;
    if (loading && !append) {
      dom.welcome.hidden = true;
      dom['search-error'].hidden = true;
      dom['result-summary'].textContent = t(view.state.lang, 'loading');
    }
  }

  function clearResults() {
    view.lastResponse = null;
    view.shownCount = 0;
    view.total = 0;
    dom.cards.replaceChildren();
    dom['result-summary'].textContent = '';
    dom['search-error'].hidden = true;
    dom.warnings.hidden = true;
    dom.empty.hidden = true;
    dom.more.hidden = true;
    dom.facets.hidden = true;
    dom.welcome.hidden = false;
    renderChips(view.state, null);
  }

  function showError(error, append) {
    const lang = view.state.lang;
    const message = errorMessage(lang, error);
    const box = dom['search-error'];
    box.replaceChildren(el('p', { dir: 'auto' }, message.text));
    if (message.requestId) {
      box.append(el('p', { className: 'request-id', dir: 'auto' }, t(lang, 'requestId', { id: message.requestId })));
    }
    box.hidden = false;

    if (!append) {
      view.lastResponse = null;
      dom.cards.replaceChildren();
      dom['result-summary'].textContent = '';
      dom.empty.hidden = true;
      dom.warnings.hidden = true;
      dom.more.hidden = true;
      dom.facets.hidden = true;
      renderChips(view.state, null);
    }
  }

  function renderResponse(state, response, append) {
    const lang = state.lang;
    rememberSectorLabels(response);

    if (!append) {
      view.shownCount = 0;
      view.cardCounter = 0;
      dom.cards.replaceChildren();
      view.lastResponse = response;
    }

    const firstNew = appendCards(lang, response.hits);
    view.shownCount += response.hits.length;
    view.total = Number.isInteger(response.total) ? response.total : view.shownCount;

    renderSummary(lang, state, response);
    dom.more.hidden = !(response.hits.length > 0 && state.offset + view.shownCount < view.total);

    if (append) {
      if (firstNew) {
        firstNew.focus();
      }
      return;
    }

    renderChips(state, response);
    renderFacets(lang, state, response.facets);
    renderWarningsAndEmpty(lang, state, response);
  }

  function rememberSectorLabels(response) {
    const sectorFacet = response.facets && Array.isArray(response.facets.sector) ? response.facets.sector : [];
    for (const entry of sectorFacet) {
      if (entry && entry.label) {
        view.sectorLabels.set(String(entry.value), entry.label);
      }
    }
    for (const hit of response.hits) {
      const isic = hit && hit.record && hit.record.sector ? hit.record.sector.isic : null;
      if (isic && hit.sector_label) {
        view.sectorLabels.set(String(isic), hit.sector_label);
      }
    }
  }

  function renderSummary(lang, state, response) {
    const parts = [formatResultCount(lang, view.total)];
    if (view.shownCount > 0) {
      parts.push(t(lang, 'showing', {
        from: formatInteger(state.offset + 1),
        to: formatInteger(state.offset + view.shownCount),
      }));
    }
    if (typeof response.took_ms === 'number' && Number.isFinite(response.took_ms)) {
      parts.push(t(lang, 'took', { ms: oneDecimalFormat.format(response.took_ms) }));
    }
    dom['result-summary'].textContent = parts.join(' · ');
  }

  // ---------------------------------------------------------------------------
  // Chips: explicit and understood filters, and the interpretation summary
  // ---------------------------------------------------------------------------

  function filterLabel(lang, item) {
    switch (item.kind) {
      case 'country':
        return countryName(lang, item.value);
      case 'sector': {
        const picked = pickText(view.sectorLabels.get(String(item.value)), lang);
        return picked ? picked.text : t(lang, 'sectorFallback', { code: item.value });
      }
      case 'status':
        return statusName(lang, item.value);
      case 'minInvestment':
        return t(lang, 'minInvestmentChip', { value: formatMoney(lang, item.value, 'USD') });
      case 'maxInvestment':
        return t(lang, 'maxInvestmentChip', { value: formatMoney(lang, item.value, 'USD') });
      case 'yearFrom':
        return t(lang, 'yearFromChip', { year: item.value });
      case 'yearTo':
        return t(lang, 'yearToChip', { year: item.value });
      default:
        return String(item.value);
    }
  }

  function renderChips(state, response) {
    const lang = state.lang;
    const explicit = explicitFilterItems(state);
    const interpretation = response && response.interpretation && typeof response.interpretation === 'object'
      ? response.interpretation : null;
    const understood = state.understand && interpretation
      ? understoodFilterItems(interpretation.filters).filter((item) => !explicit.some((e) => sameItem(e, item)))
      : [];

    view.understoodItems = understood;

    const chips = [];
    for (const item of explicit) {
      chips.push(renderChip(lang, item, false));
    }
    for (const item of understood) {
      chips.push(renderChip(lang, item, true));
    }
    if (explicit.length + understood.length > 1) {
      const clear = el('button', { type: 'button', className: 'chip-clear', 'data-testid': 'clear-filters' },
        t(lang, 'clearFilters'));
      clear.addEventListener('click', () => searchWithFilters([], false));
      chips.push(el('li', {}, clear));
    }
    dom.chips.replaceChildren(...chips);

    const summary = interpretation ? pickText(interpretation.summary, lang) : null;
    if (summary && state.understand) {
      dom.interpretation.replaceChildren(
        el('span', { className: 'interpretation-prefix' }, t(lang, 'interpretationPrefix')),
        textIn('span', summary, 'interpretation-text'),
      );
      dom.interpretation.hidden = false;
    } else {
      dom.interpretation.replaceChildren();
      dom.interpretation.hidden = true;
    }

    dom['chips-area'].hidden = chips.length === 0 && dom.interpretation.hidden;
  }

  /**
   * Searches again without `item`. An understood filter can only be removed by
   * turning understanding off, which drops all of them, so the understood
   * filters the user keeps are sent back as explicit ones.
   */
  function removeFilter(item) {
    const explicit = explicitFilterItems(view.state);
    if (explicit.some((other) => sameItem(other, item))) {
      searchWithFilters(explicit.filter((other) => !sameItem(other, item)), view.state.understand);
      return;
    }
    const kept = [...explicit, ...view.understoodItems.filter((other) => !sameItem(other, item))];
    searchWithFilters(kept, false);
  }

  function renderChip(lang, item, understood) {
    const label = filterLabel(lang, item);
    const button = el('button', {
      type: 'button',
      className: 'chip-remove',
      'aria-label': t(lang, 'removeFilter', { label }),
    }, el('span', { 'aria-hidden': 'true' }, '×'));
    button.addEventListener('click', () => removeFilter(item));

    return el('li', {
      className: understood ? 'chip chip-understood' : 'chip',
      'data-testid': 'filter-chip',
      'data-kind': item.kind,
      'data-value': item.value,
      'data-source': understood ? 'understood' : 'explicit',
    },
    understood ? el('span', { className: 'chip-tag' }, t(lang, 'understoodTag')) : null,
    el('span', { className: 'chip-label', dir: 'auto' }, label),
    button);
  }

  // ---------------------------------------------------------------------------
  // Facets
  // ---------------------------------------------------------------------------

  function renderFacets(lang, state, facets) {
    const groups = [];
    const definitions = [
      { key: 'country', kind: 'country', stateKey: 'countries', title: 'facetCountry' },
      { key: 'sector', kind: 'sector', stateKey: 'sectors', title: 'facetSector' },
      { key: 'status', kind: 'status', stateKey: 'statuses', title: 'facetStatus' },
    ];

    for (const definition of definitions) {
      const entries = facets && Array.isArray(facets[definition.key]) ? facets[definition.key] : [];
      const usable = entries.filter((entry) => entry && entry.value !== undefined && entry.value !== null);
      if (usable.length === 0) {
        continue;
      }

      const headingId = `facet-heading-${definition.key}`;
      const options = usable.map((entry) => {
        const value = String(entry.value);
        const item = { kind: definition.kind, value };
        const active = state[definition.stateKey].includes(value)
          || view.understoodItems.some((other) => sameItem(other, item));
        const button = el('button', {
          type: 'button',
          className: 'facet-option',
          'aria-pressed': String(active),
          'data-testid': 'facet-option',
          'data-kind': definition.kind,
          'data-value': value,
        },
        el('span', { className: 'facet-label', dir: 'auto' }, facetLabel(lang, definition.kind, entry)),
        el('span', { className: 'facet-count' }, Number.isFinite(entry.count) ? formatInteger(entry.count) : ''));
        button.addEventListener('click', () => toggleFacet(item, active));
        return el('li', {}, button);
      });

      groups.push(el('section', { className: 'facet-group', 'aria-labelledby': headingId },
        el('h3', { id: headingId }, t(lang, definition.title)),
        el('ul', { className: 'facet-list' }, options)));
    }

    dom['facet-groups'].replaceChildren(...groups);
    dom.facets.hidden = groups.length === 0;
  }

  function facetLabel(lang, kind, entry) {
    if (kind === 'sector') {
      const picked = pickText(entry.label, lang);
      return picked ? picked.text : t(lang, 'sectorFallback', { code: entry.value });
    }
    return filterLabel(lang, { kind, value: String(entry.value) });
  }

  function toggleFacet(item, active) {
    if (active) {
      removeFilter(item);
      return;
    }
    searchWithFilters([...explicitFilterItems(view.state), item], view.state.understand);
  }

  // ---------------------------------------------------------------------------
  // Warnings and the empty state
  // ---------------------------------------------------------------------------

  function warningTexts(lang, interpretation) {
    if (!interpretation || !Array.isArray(interpretation.warnings)) {
      return [];
    }
    const texts = [];
    for (const warning of interpretation.warnings) {
      if (!warning || typeof warning !== 'object') {
        continue;
      }
      const preferred = lang === 'ar' ? warning.message_ar : warning.message;
      const fallback = lang === 'ar' ? warning.message : warning.message_ar;
      const text = [preferred, fallback].find((m) => typeof m === 'string' && m.trim() !== '');
      if (text) {
        texts.push(text);
      }
    }
    return texts;
  }

  /** Lists `applied_filters` of a response as `{kind, value}` items. */
  function appliedFilterItems(response) {
    return understoodFilterItems(response.applied_filters);
  }

  function renderWarningsAndEmpty(lang, state, response) {
    const warnings = warningTexts(lang, response.interpretation);
    const isEmpty = response.hits.length === 0;

    if (warnings.length > 0 && !isEmpty) {
      dom.warnings.replaceChildren(el('ul', {}, warnings.map((text) => el('li', { dir: 'auto' }, text))));
      dom.warnings.hidden = false;
    } else {
      dom.warnings.hidden = true;
      dom.warnings.replaceChildren();
    }

    if (!isEmpty) {
      dom.empty.hidden = true;
      dom.empty.replaceChildren();
      return;
    }

    const parts = [el('p', { className: 'empty-title' }, t(lang, 'emptyTitle'))];

    if (state.offset > 0 && view.total > 0) {
      const back = el('button', { type: 'button', className: 'secondary-button' }, t(lang, 'backToFirst'));
      back.addEventListener('click', () => {
        const next = { ...view.state, offset: 0 };
        runSearch(next, { append: false, push: true });
      });
      parts.push(el('p', {}, t(lang, 'emptyPastEnd', { offset: formatInteger(state.offset) })), back);
      dom.empty.replaceChildren(...parts);
      dom.empty.hidden = false;
      return;
    }

    for (const text of warnings) {
      parts.push(el('p', { className: 'empty-warning', dir: 'auto' }, text));
    }

    const applied = appliedFilterItems(response);
    const understood = state.understand && response.interpretation
      ? understoodFilterItems(response.interpretation.filters) : [];
    if (applied.length > 0) {
      const list = applied.map((item) => filterLabel(lang, item)).join(t(lang, 'listSeparator'));
      parts.push(el('p', {}, t(lang, 'emptyFilters', { list })));
    } else {
      parts.push(el('p', {}, t(lang, 'emptyNoFilters')));
    }
    if (understood.length > 0) {
      const retry = el('button', { type: 'button', className: 'secondary-button', 'data-testid': 'retry-without-understanding' },
        t(lang, 'searchWithoutUnderstanding'));
      retry.addEventListener('click', () => searchWithFilters(explicitFilterItems(view.state), false));
      parts.push(el('p', {}, t(lang, 'emptyUnderstood')), retry);
    }

    dom.empty.replaceChildren(...parts);
    dom.empty.hidden = false;
  }

  // ---------------------------------------------------------------------------
  // Result cards
  // ---------------------------------------------------------------------------

  /** Appends one card per hit and returns the first new card title, or null. */
  function appendCards(lang, hits) {
    let firstTitle = null;
    for (const hit of hits) {
      if (!hit || !hit.record || typeof hit.record !== 'object') {
        console.warn('skipping a hit without a record', hit);
        continue;
      }
      const card = renderCard(lang, hit);
      dom.cards.append(card);
      if (!firstTitle) {
        firstTitle = card.querySelector('.card-title');
      }
    }
    return firstTitle;
  }

  function renderCard(lang, hit) {
    const record = hit.record;
    const id = String(hit.id ?? record.id ?? '');
    view.cardCounter += 1;
    const titleId = `card-title-${view.cardCounter}`;

    const name = pickText(record.name, lang);
    const title = name
      ? textIn('h3', name, 'card-title')
      : el('h3', { className: 'card-title' }, t(lang, 'noName'));
    title.id = titleId;
    title.tabIndex = -1;

    const status = typeof record.status === 'string'
      ? el('span', { className: `status-badge status-${record.status.replace(/[^a-z_]/g, '')}` }, statusName(lang, record.status))
      : null;

    const article = el('article', { 'aria-labelledby': titleId },
      el('header', { className: 'card-header' }, title, status),
      renderFacts(lang, hit),
      renderSnippets(lang, hit),
      renderDetails(lang, hit, id));

    return el('li', { className: 'card', 'data-testid': 'result-card', 'data-id': id }, article);
  }

  function renderFacts(lang, hit) {
    const record = hit.record;
    const facts = [];

    if (typeof record.country === 'string') {
      facts.push([t(lang, 'facetCountry'), el('span', {}, countryName(lang, record.country))]);
    }

    const sector = pickText(hit.sector_label, lang);
    const isic = record.sector && record.sector.isic ? String(record.sector.isic) : null;
    if (sector) {
      facts.push([t(lang, 'facetSector'), textIn('span', sector)]);
    } else if (isic) {
      facts.push([t(lang, 'facetSector'), el('span', {}, t(lang, 'sectorFallback', { code: isic }))]);
    }

    const investment = formatMoney(lang, record.investment_usd, 'USD');
    if (investment) {
      facts.push([t(lang, 'investment'), el('span', { className: 'number' }, investment)]);
    }

    const place = [pickText(record.city, lang), pickText(record.zone, lang)].filter(Boolean);
    if (place.length > 0) {
      const holder = el('span', {});
      place.forEach((picked, index) => {
        if (index > 0) {
          holder.append(t(lang, 'listSeparator'));
        }
        holder.append(textIn('span', picked));
      });
      facts.push([t(lang, 'location'), holder]);
    }

    const years = formatYears(lang, record.start_year, record.completion_year);
    if (years) {
      facts.push([t(lang, 'years'), el('span', { className: 'number' }, years)]);
    }

    return el('dl', { className: 'facts' },
      facts.map(([term, value]) => el('div', { className: 'fact' }, el('dt', {}, term), el('dd', {}, value))));
  }

  function renderSnippets(lang, hit) {
    const highlights = Array.isArray(hit.highlights) ? hit.highlights : [];
    const snippets = [];
    for (const highlight of highlights) {
      if (!highlight || typeof highlight.fragment !== 'string') {
        continue;
      }
      // Fields such as "description.ar" name the language of the fragment.
      const fieldLang = /\.(ar|en)$/.exec(String(highlight.field ?? ''));
      const snippetLang = fieldLang ? fieldLang[1] : null;
      let dir = 'auto';
      if (snippetLang === 'ar') {
        dir = 'rtl';
      } else if (snippetLang === 'en') {
        dir = 'ltr';
      }
      const paragraph = el('p', { className: 'snippet', lang: snippetLang, dir });
      appendHighlightFragment(paragraph, highlight.fragment);
      snippets.push(paragraph);
    }

    // Without highlights, the description shows what the project is.
    if (snippets.length === 0) {
      const description = pickText(hit.record.description, lang);
      if (description) {
        snippets.push(textIn('p', description, 'snippet snippet-description'));
      }
    }
    return snippets.length > 0 ? el('div', { className: 'snippets' }, snippets) : null;
  }

  function renderDetails(lang, hit, id) {
    const record = hit.record;
    const other = otherLang(lang);
    const otherDir = other === 'ar' ? 'rtl' : 'ltr';
    const rows = [];

    // The record in the other language, so a reader can quote either version.
    const otherRows = [];
    for (const [field, label] of [['name', 'name'], ['description', 'description'], ['city', 'city'], ['zone', 'zone'], ['owner', 'owner']]) {
      const value = exactText(record[field], other);
      if (value) {
        otherRows.push(el('div', { className: 'fact' },
          el('dt', {}, t(lang, label)),
          el('dd', { lang: other, dir: otherDir }, value)));
      }
    }
    const otherBlock = otherRows.length > 0
      ? el('section', { className: 'other-language' },
        el('h4', {}, t(lang, 'otherLanguage')),
        el('dl', { className: 'facts facts-stacked' }, otherRows))
      : null;

    const description = pickText(record.description, lang);
    if (description && Array.isArray(hit.highlights) && hit.highlights.length > 0) {
      rows.push([t(lang, 'description'), textIn('span', description)]);
    }
    const owner = pickText(record.owner, lang);
    if (owner) {
      rows.push([t(lang, 'owner'), textIn('span', owner)]);
    }
    if (Array.isArray(record.products) && record.products.length > 0) {
      const names = record.products.map((product) => pickText(product && product.name, lang)).filter(Boolean);
      if (names.length > 0) {
        rows.push([t(lang, 'products'), el('span', { dir: 'auto' }, names.map((picked) => picked.text).join(t(lang, 'listSeparator')))]);
      }
    }
    if (record.capacity && typeof record.capacity.value === 'number') {
      const unit = typeof record.capacity.unit === 'string' ? record.capacity.unit : '';
      rows.push([t(lang, 'capacity'), el('span', { dir: 'auto' }, `${oneDecimalFormat.format(record.capacity.value)} ${unit}`.trim())]);
    }
    if (Number.isInteger(record.employment)) {
      rows.push([t(lang, 'employment'), el('span', { className: 'number' }, formatInteger(record.employment))]);
    }
    if (record.investment && record.investment.currency && record.investment.currency !== 'USD') {
      const original = formatMoney(lang, record.investment.amount, record.investment.currency);
      if (original) {
        rows.push([t(lang, 'originalInvestment'), el('span', {}, original)]);
      }
    }
    if (typeof record.updated_at === 'string' && record.updated_at) {
      rows.push([t(lang, 'updatedAt'), el('span', { dir: 'ltr', className: 'number' }, record.updated_at.slice(0, 10))]);
    }
    rows.push([t(lang, 'recordId'), el('span', { dir: 'ltr', className: 'record-id' }, id)]);

    const similarBox = el('div', { className: 'similar', 'aria-live': 'polite', 'data-testid': 'similar-results' });
    const similarLink = el('a', {
      className: 'similar-link',
      href: `/v1/projects/${encodeURIComponent(id)}/similar`,
      'data-testid': 'similar-link',
    }, t(lang, 'similar'));
    similarLink.addEventListener('click', (event) => {
      event.preventDefault();
      loadSimilar(lang, id, similarBox);
    });

    return el('details', { className: 'card-details' },
      el('summary', {}, t(lang, 'details')),
      el('div', { className: 'details-body' },
        el('dl', { className: 'facts' }, rows.map(([term, value]) => el('div', { className: 'fact' }, el('dt', {}, term), el('dd', {}, value)))),
        otherBlock,
        el('p', {}, similarLink),
        similarBox));
  }

  async function loadSimilar(lang, id, box) {
    box.replaceChildren(el('p', { className: 'muted' }, t(lang, 'similarLoading')));
    const url = `/v1/projects/${encodeURIComponent(id)}/similar`;

    let response;
    try {
      response = await fetchJson(url);
    } catch (error) {
      console.error('similar projects failed', url, error);
      const message = errorMessage(lang, error);
      box.replaceChildren(el('p', { className: 'notice notice-error', role: 'alert', dir: 'auto' }, message.text));
      return;
    }

    const hits = response && Array.isArray(response.hits) ? response.hits.filter((hit) => hit && hit.record) : [];
    if (hits.length === 0) {
      box.replaceChildren(el('p', { className: 'muted' }, t(lang, 'similarEmpty')));
      return;
    }

    const items = hits.map((hit) => {
      const record = hit.record;
      const name = pickText(record.name, lang);
      const parts = [countryName(lang, record.country), statusName(lang, record.status)];
      const investment = formatMoney(lang, record.investment_usd, 'USD');
      if (investment) {
        parts.push(investment);
      }
      return el('li', { 'data-id': String(hit.id ?? record.id ?? '') },
        name ? textIn('span', name, 'similar-name') : el('span', { className: 'similar-name' }, t(lang, 'noName')),
        el('span', { className: 'muted' }, ` — ${parts.join(t(lang, 'listSeparator'))}`));
    });
    box.replaceChildren(el('ul', { className: 'similar-list' }, items));
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
