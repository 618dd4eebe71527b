/* The select2 widgets of CKAN's forms take only three of their strings from CKAN's autocomplete
 * module; the rest ("Remove item", "Search", ...) stay English. This module gives select2 the
 * page's translations of them, which the template puts in data-module-* attributes. It sits in
 * the header, so it runs before the form's autocomplete modules create their widgets.
 */
this.ckan.module("thgov-select2-language", function ($) {
  return {
    options: {removeItem: null, removeAllItems: null, search: null, noResults: null, searching: null},

    initialize: function () {
      if (!$.fn.select2 || !$.fn.select2.defaults) {
        return;
      }
      var language = {};
      $.each(this.options, function (key, text) {
        if (text) {
          language[key] = function () { return String(text); };
        }
      });
      $.fn.select2.defaults.set("language", language);
    }
  };
});
