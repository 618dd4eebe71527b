/* The dataset form follows its choices while the user fills it in:
 *
 * - fields that belong to some data types only (data-thgov-data-types) are shown for those types;
 * - an อื่นๆ box (data-thgov-other-for) is shown while its field has อื่นๆ chosen.
 *
 * Fields are hidden, never removed, so what the user typed stays while the page is open. On
 * submit the hidden ones are disabled, so they are not posted: the server refuses a value given
 * for another data type (and drops one only carried over unchanged from before a type change).
 * Without this module every field is shown and posted.
 * On the edit form a notice says that changing the data type drops the previous type's fields.
 */
ckan.module("thgov-dataset-form", function ($) {
  "use strict";

  function parseList(text) {
    try {
      return JSON.parse(text || "[]");
    } catch (error) {
      return [];
    }
  }

  return {
    options: {
      edit: false
    },

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.blocks = this.el.find("[data-thgov-field]").toArray();
      this.notice = this.el.find("[data-thgov-type-notice]");
      var dataType = this._field("data_type").closest(".form-group");
      if (dataType.length) {
        this.notice.insertAfter(dataType);
      }
      this.initialType = this._chosen("data_type")[0];
      // Delegated jQuery handler: also sees changes that widgets such as select2 trigger.
      this.el.on("change", "select, input[type=checkbox], input[type=radio]", this._onChange);
      this.el.closest("form").on("submit", this._onSubmit);
      this._update();
    },

    _field: function (name) {
      return this.el.find("[name]").filter(function () {
        return this.name === name;
      });
    },

    /* The values currently chosen in a select, checkbox list or text field. */
    _chosen: function (name) {
      var values = [];
      this._field(name).each(function () {
        if (this.type === "checkbox" || this.type === "radio") {
          if (this.checked) values.push(this.value);
        } else if (this.tagName === "SELECT") {
          $(this).find("option:selected").each(function () { values.push(this.value); });
        } else if (this.value) {
          values.push(this.value);
        }
      });
      return values;
    },

    _onChange: function () {
      this._update();
    },

    _onSubmit: function () {
      this.blocks.forEach(function (block) {
        $(block).find("input, select, textarea").prop("disabled", block.hidden);
      });
    },

    _update: function () {
      var dataType = this._chosen("data_type")[0];
      var module = this;
      this.blocks.forEach(function (block) {
        var types = parseList(block.getAttribute("data-thgov-data-types"));
        var show = !types.length || types.indexOf(dataType) !== -1;
        var otherFor = block.getAttribute("data-thgov-other-for");
        if (show && otherFor) {
          var others = parseList(block.getAttribute("data-thgov-other-values"));
          show = module._chosen(otherFor).some(function (value) {
            return others.indexOf(value) !== -1;
          });
        }
        block.hidden = !show;
      });
      var changed = this.options.edit && this.initialType !== undefined && dataType !== this.initialType;
      this.notice.prop("hidden", !changed);
    }
  };
});
